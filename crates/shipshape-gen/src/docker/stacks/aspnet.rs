//! ASP.NET Core.

use super::*;

pub(super) fn aspnet(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    let img = images("dotnet", service, today)?;
    let root = root_of(service);
    let mut warnings = Vec::new();
    eol_warning(&img, &mut warnings);
    let version_note = default_version_note(".NET", &img, &mut warnings);
    let projects = files_in(inv, root, |n| {
        n.ends_with(".csproj") || n.ends_with(".fsproj")
    });
    let Some(project) = projects.first().cloned() else {
        return Err(Skip("no .csproj in the service's folder".into()));
    };
    let mut manifests = projects.clone();
    for f in [
        "global.json",
        "nuget.config",
        "NuGet.Config",
        "Directory.Build.props",
        "Directory.Packages.props",
    ] {
        if has(inv, root, f) {
            manifests.push(f.to_string());
        }
    }
    let assembly = detected(&service.start_command)
        .map(words)
        .and_then(|w| w.into_iter().find(|a| a.ends_with(".dll")))
        .and_then(|d| d.rsplit('/').next().map(str::to_string))
        .unwrap_or_else(|| {
            format!(
                "{}.dll",
                project
                    .trim_end_matches(".csproj")
                    .trim_end_matches(".fsproj")
            )
        });
    let port = port_of(service, 8080, &mut warnings);
    let user = img.user.clone().unwrap_or_else(|| APP_USER.to_string());
    let mut run_env = Vec::new();
    if let Some(p) = port {
        run_env.push(("ASPNETCORE_HTTP_PORTS", p.to_string()));
    }
    let health_path = detected(&service.health_path).unwrap_or("/");
    let recipe = Recipe {
        service_dir: String::new(),
        build_env: Vec::new(),
        install: vec![format!("dotnet restore {project}")],
        build: vec![format!(
            "dotnet publish {project} -c Release -o out --no-restore"
        )],
        copies: vec![("out".to_string(), ".".to_string())],
        env: env(&run_env),
        start: vec!["dotnet".to_string(), assembly],
        port,
        health_path: port.map(|_| health_path.to_string()),
        tools: Vec::new(),
        runtime_version: img.version.clone(),
    };
    Ok(Generated {
        template: "aspnet",
        model: json!({
            "build_image": img.build,
            "run_image": img.run,
            "manifests": manifests,
            "health": health_model(None, "", &probes_instead("the chiseled ASP.NET image", port, health_path)),
            "health_path": health_path,
            "title": format!("{} (ASP.NET Core)", runtime_label(".NET", &img)),
        }),
        recipe,
        context: root.to_string(),
        summary: "ASP.NET Core published with the SDK, run on the chiseled aspnet runtime"
            .to_string(),
        run_image: img.run,
        user,
        warnings,
        version_note,
    })
}
