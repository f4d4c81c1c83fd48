//! Go: a static binary on distroless.

use super::*;

pub(super) fn go(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    let img = images("go", service, today)?;
    let root = root_of(service);
    let mut warnings = Vec::new();
    eol_warning(&img, &mut warnings);
    let version_note = default_version_note("Go", &img, &mut warnings);
    // A go.work at the root ties the modules together: build from there.
    let context = if root != "." && has(inv, ".", "go.work") {
        ".".to_string()
    } else {
        root.to_string()
    };
    let service_dir = relative(root, &context);
    let mut manifests = Vec::new();
    if context == "." && root != "." {
        for f in ["go.work", "go.work.sum"] {
            if has(inv, ".", f) {
                manifests.push(f.to_string());
            }
        }
        manifests.extend(
            inv.files()
                .iter()
                .filter(|f| matches!(f.name(), "go.mod" | "go.sum"))
                .map(|f| f.path.clone()),
        );
    } else {
        for f in ["go.mod", "go.sum"] {
            if has(inv, root, f) {
                manifests.push(f.to_string());
            }
        }
    }
    // The package and binary name from the detected build, else the module root.
    let detected_build = detected(&service.build_command)
        .map(words)
        .unwrap_or_default();
    let binary = detected_build
        .iter()
        .position(|w| w == "-o")
        .and_then(|i| detected_build.get(i + 1))
        .and_then(|o| o.rsplit('/').next())
        .filter(|b| !b.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| service.name.clone());
    let package = go_package(&detected_build).unwrap_or_else(|| ".".to_string());
    let output = format!("bin/{binary}");
    let native = super::super::native::needs(inv, root, root, "go");
    let cgo = if native.cgo { 1 } else { 0 };
    let build =
        format!("CGO_ENABLED={cgo} go build -trimpath -ldflags=\"-s -w\" -o {output} {package}");
    // A cgo binary links against glibc: distroless/base has it, distroless/static does not.
    let run_image = if native.cgo {
        image("distroless_base")?
    } else {
        img.run.clone()
    };
    let port = port_of(service, 8080, &mut warnings);
    let health_path = health_route(service, port, &mut warnings);
    let user = img.user.clone().unwrap_or_else(|| APP_USER.to_string());
    let mut run_env = Vec::new();
    if let Some(p) = port {
        run_env.push(("PORT", p.to_string()));
    }
    let recipe = Recipe {
        service_dir,
        build_env: Vec::new(),
        install: vec!["go mod download".to_string()],
        build: vec![build],
        copies: vec![(output, binary.clone())],
        env: env(&run_env),
        // The binary, with the arguments detection found it needs (a listen-address flag).
        start: std::iter::once(format!("{WORKDIR}/{binary}"))
            .chain(
                service
                    .start_command
                    .as_ref()
                    .map(|s| {
                        s.value
                            .split_whitespace()
                            .skip(1)
                            .map(str::to_string)
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default(),
            )
            .collect(),
        port,
        health_path: port.and(health_path.clone()),
        tools: Vec::new(),
        runtime_version: img.version.clone(),
    };
    let framework = service
        .framework
        .as_ref()
        .map(|f| value_name(&f.value))
        .unwrap_or_else(|| "go".to_string());
    Ok(Generated {
        template: "go",
        model: json!({
            "build_image": img.build,
            "run_image": run_image,
            "manifests": manifests,
            "binary": binary,
            "cgo": native.cgo,
            "native_why": native.why,
            "health": health_model(None, "", &probes_instead(if native.cgo { "distroless/base" } else { "distroless/static" }, port, health_path.as_deref())),
            "health_path": health_path,
            "title": format!(
                "{} ({framework}), {}",
                runtime_label("Go", &img),
                if native.cgo { "cgo binary" } else { "static binary" }
            ),
        }),
        recipe,
        context,
        summary: if native.cgo {
            format!("{framework} cgo binary on glibc")
        } else {
            format!("{framework} static binary (CGO off)")
        },
        run_image,
        user,
        warnings,
        version_note,
    })
}

/// The package a `go build` command line builds: its last operand (`./cmd/server`).
pub(super) fn go_package(argv: &[String]) -> Option<String> {
    let build = argv.iter().position(|w| w == "build")?;
    let mut operands = Vec::new();
    let mut rest = argv[build + 1..].iter();
    while let Some(w) = rest.next() {
        if matches!(w.as_str(), "-o" | "-ldflags" | "-tags" | "-gcflags") {
            rest.next();
        } else if !w.starts_with('-') {
            operands.push(w.clone());
        }
    }
    operands.pop()
}
