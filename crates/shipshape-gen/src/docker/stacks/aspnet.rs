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
    // A project of a solution builds from the solution's folder: its project references, the
    // shared Directory.Build.props / Directory.Packages.props and global.json live there.
    let context = solution_root(inv, root, &project);
    let service_dir = relative(root, &context);
    let in_context = |p: &str| {
        if service_dir.is_empty() {
            p.to_string()
        } else {
            format!("{service_dir}/{p}")
        }
    };
    let mut manifests: Vec<String> = if context == root {
        projects.clone()
    } else {
        let prefix = if context == "." {
            String::new()
        } else {
            format!("{context}/")
        };
        inv.under(&context)
            .iter()
            .filter(|f| f.name().ends_with(".csproj") || f.name().ends_with(".fsproj"))
            .filter_map(|f| f.path.strip_prefix(&prefix).map(str::to_string))
            .filter(|p| !p.split('/').any(|part| matches!(part, "bin" | "obj")))
            .collect()
    };
    for f in SOLUTION_FILES {
        if has(inv, &context, f) {
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
    let health_path = health_route(service, port, &mut warnings);
    let recipe = Recipe {
        build_env: Vec::new(),
        install: vec![format!("dotnet restore {}", in_context(&project))],
        build: vec![format!(
            "dotnet publish {} -c Release -o out --no-restore",
            in_context(&project)
        )],
        service_dir: service_dir.clone(),
        copies: vec![("out".to_string(), ".".to_string())],
        env: env(&run_env),
        start: vec!["dotnet".to_string(), assembly],
        port,
        health_path: port.and(health_path.clone()),
        tools: Vec::new(),
        runtime_version: img.version.clone(),
    };
    Ok(Generated {
        template: "aspnet",
        model: json!({
            "build_image": img.build,
            "run_image": img.run,
            "manifests": manifests,
            "health": health_model(None, "", &probes_instead("the chiseled ASP.NET image", port, health_path.as_deref())),
            "health_path": health_path,
            "title": format!("{} (ASP.NET Core)", runtime_label(".NET", &img)),
        }),
        recipe,
        context,
        summary: "ASP.NET Core published with the SDK, run on the chiseled aspnet runtime"
            .to_string(),
        run_image: img.run,
        user,
        warnings,
        version_note,
    })
}

/// Files at a solution's root that every project's restore and build read.
const SOLUTION_FILES: &[&str] = &[
    "global.json",
    "nuget.config",
    "NuGet.Config",
    "Directory.Build.props",
    "Directory.Build.targets",
    "Directory.Packages.props",
];

/// The folder a project builds from: the service's own, or the nearest ancestor that holds
/// everything its build reads — the projects it references (`..\\Shared\\Shared.csproj`) and
/// the `.sln` / `Directory.*.props` above it.
fn solution_root(inv: &Inventory, root: &str, project: &str) -> String {
    let mut needed: Vec<String> = vec![root.to_string()];
    if let Some(text) = inv.text_of(&join(root, project)) {
        for reference in text.split("<ProjectReference").skip(1) {
            let Some(include) = reference
                .split_once("Include=\"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(path, _)| path.replace('\\', "/"))
            else {
                continue;
            };
            if let Some(dir) =
                normalize(&join(root, &include)).map(|p| crate::dir_of(&p).to_string())
            {
                needed.push(dir);
            }
        }
    }
    // A solution file or shared props above the project.
    let mut dir = root.to_string();
    while dir != "." {
        dir = crate::dir_of(&dir).to_string();
        let marks = files_in(inv, &dir, |n| {
            n.ends_with(".sln") || n.ends_with(".slnx") || SOLUTION_FILES.contains(&n)
        });
        if !marks.is_empty() {
            needed.push(dir.clone());
        }
    }
    common_ancestor(&needed)
}

/// `a/b/../c` → `a/c`; `None` when it climbs out of the repository.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    })
}

/// The deepest folder that holds every folder of `dirs` (`.` for the repository root).
fn common_ancestor(dirs: &[String]) -> String {
    let split = |d: &str| -> Vec<String> {
        if d == "." || d.is_empty() {
            Vec::new()
        } else {
            d.split('/').map(str::to_string).collect()
        }
    };
    let mut common = dirs.first().map(|d| split(d)).unwrap_or_default();
    for d in dirs.iter().skip(1) {
        let parts = split(d);
        let same = common
            .iter()
            .zip(&parts)
            .take_while(|(a, b)| a == b)
            .count();
        common.truncate(same);
    }
    if common.is_empty() {
        ".".to_string()
    } else {
        common.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_ancestors_of_a_solution() {
        assert_eq!(
            normalize("src/Api/../Shared/Shared.csproj").as_deref(),
            Some("src/Shared/Shared.csproj")
        );
        assert_eq!(normalize("../x"), None);
        assert_eq!(
            common_ancestor(&["src/Api".into(), "src/Shared".into()]),
            "src"
        );
        assert_eq!(common_ancestor(&["src/Api".into(), ".".into()]), ".");
    }
}
