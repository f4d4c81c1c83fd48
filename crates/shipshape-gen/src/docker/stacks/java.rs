//! Java: Spring Boot with Maven or Gradle.

use super::*;

pub(super) fn java(
    service: &Service,
    inv: &Inventory,
    today: Day,
    pm: Option<PackageManager>,
) -> Result<Generated, Skip> {
    let img = images("java", service, today)?;
    let root = root_of(service);
    let mut warnings = Vec::new();
    eol_warning(&img, &mut warnings);
    let version_note = default_version_note("Java", &img, &mut warnings);
    let gradle = pm == Some(PackageManager::Gradle);
    let (wrapper, manifests, wrapper_dir, deps, package, cache, jar_dir) = if gradle {
        let build_files = files_in(inv, root, |n| {
            n.starts_with("build.gradle")
                || n.starts_with("settings.gradle")
                || n == "gradle.properties"
        });
        (
            "gradlew",
            build_files,
            "gradle",
            "./gradlew --no-daemon dependencies",
            "./gradlew --no-daemon bootJar -x test",
            "/root/.gradle",
            "build/libs",
        )
    } else {
        (
            "mvnw",
            vec!["pom.xml".to_string()],
            ".mvn",
            "./mvnw -B dependency:go-offline",
            "./mvnw -B package -DskipTests",
            "/root/.m2",
            "target",
        )
    };
    if !has(inv, root, wrapper) {
        return Err(Skip(format!(
            "no {wrapper} wrapper: add one (`{}`) so the build uses the project's own build-tool version",
            if gradle { "gradle wrapper" } else { "mvn wrapper:wrapper" }
        )));
    }
    if !has_dir(inv, root, wrapper_dir) {
        warnings.push(format!(
            "{wrapper} is there but not its {wrapper_dir}/ folder: the wrapper cannot run without \
             it — regenerate the wrapper (`{}`) and commit {wrapper_dir}/",
            if gradle {
                "gradle wrapper"
            } else {
                "mvn wrapper:wrapper"
            }
        ));
    }
    let jar = detected(&service.start_command)
        .map(words)
        .and_then(|w| {
            w.iter()
                .position(|a| a == "-jar")
                .and_then(|i| w.get(i + 1).cloned())
        })
        .unwrap_or_else(|| format!("{jar_dir}/*.jar"));
    let port = port_of(service, 8080, &mut warnings);
    // Spring Boot Actuator serves /actuator/health by itself; without it only a route the code
    // defines will do.
    let actuator = manifests
        .iter()
        .filter_map(|m| inv.text_of(&join(root, m)))
        .any(|t| t.contains("spring-boot-starter-actuator"));
    let health_path = if detected(&service.health_path).is_none() && actuator {
        Some("/actuator/health".to_string())
    } else {
        health_route(service, port, &mut warnings)
    };
    let mut run_env = vec![("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75.0".to_string())];
    if let Some(p) = port {
        run_env.push(("SERVER_PORT", p.to_string()));
    }
    let check = port.map(|p| match &health_path {
        Some(path) => vec![
            "curl".to_string(),
            "-fsS".to_string(),
            "-o".to_string(),
            "/dev/null".to_string(),
            health_url(p, path),
        ],
        None => vec![
            "bash".to_string(),
            "-c".to_string(),
            format!("exec 3<>/dev/tcp/127.0.0.1/{p}"),
        ],
    });
    let extract = format!(
        "java -Djarmode=tools -jar {jar} extract --layers --launcher --destination extracted"
    );
    let recipe = Recipe {
        service_dir: String::new(),
        build_env: Vec::new(),
        install: vec![deps.to_string()],
        build: vec![package.to_string(), extract],
        copies: vec![("extracted".to_string(), ".".to_string())],
        env: env(&run_env),
        start: vec![
            "java".to_string(),
            "org.springframework.boot.loader.launch.JarLauncher".to_string(),
        ],
        port,
        health_path: port.and(health_path),
        tools: Vec::new(),
        runtime_version: img.version.clone(),
    };
    let tool = if gradle { "Gradle" } else { "Maven" };
    Ok(Generated {
        template: "java",
        model: json!({
            "build_image": img.build,
            "run_image": img.run,
            "wrapper": wrapper,
            "wrapper_dir": has_dir(inv, root, wrapper_dir).then_some(wrapper_dir),
            "manifests": manifests,
            "cache": cache,
            "has_src": has_dir(inv, root, "src"),
            "health": health_model(check, "60s", "a worker without an HTTP port"),
            "title": format!("{} (Spring Boot, {tool})", runtime_label("Java", &img)),
        }),
        recipe,
        context: root.to_string(),
        summary: format!("Spring Boot layered jar built with the {tool} wrapper"),
        run_image: img.run,
        user: APP_USER.to_string(),
        warnings,
        version_note,
    })
}
