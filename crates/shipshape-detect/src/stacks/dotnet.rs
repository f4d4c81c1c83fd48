//! Detection of .NET services: a folder with a `*.csproj`. The project's SDK says whether it is
//! an ASP.NET Core app, a worker or a library; `TargetFramework` (and `global.json`) give the
//! runtime; package references give the backing services; the code and configuration give the
//! port when it is not the container default.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::evidence::line_of_offset;
use shipshape_core::{ArtifactKind, Evidence, FileEntry, Located};

use crate::ctx::Ctx;
use crate::model::{
    Ambiguity, BackingKind, Framework, Language, PackageManager, Service, ServiceRole,
};
use crate::stacks::add_backing;
use crate::stacks::Found;

/// What a project file says, with lines for evidence.
#[derive(Debug, Default)]
struct Project {
    sdk: Option<(String, u32)>,
    target_framework: Option<(String, u32)>,
    assembly_name: Option<String>,
    output_exe: bool,
    is_test: bool,
    aspnet_framework_ref: Option<u32>,
    packages: Vec<(String, u32)>,
}

/// Backing services by NuGet package id.
const BACKING: &[(&str, BackingKind)] = &[
    ("Npgsql", BackingKind::Postgres),
    (
        "Npgsql.EntityFrameworkCore.PostgreSQL",
        BackingKind::Postgres,
    ),
    ("MySqlConnector", BackingKind::Mysql),
    ("MySql.Data", BackingKind::Mysql),
    ("MySql.EntityFrameworkCore", BackingKind::Mysql),
    ("Pomelo.EntityFrameworkCore.MySql", BackingKind::Mysql),
    ("StackExchange.Redis", BackingKind::Redis),
    (
        "Microsoft.Extensions.Caching.StackExchangeRedis",
        BackingKind::Redis,
    ),
    ("MongoDB.Driver", BackingKind::Mongodb),
    ("RabbitMQ.Client", BackingKind::Rabbitmq),
    ("MassTransit.RabbitMQ", BackingKind::Rabbitmq),
    ("Confluent.Kafka", BackingKind::Kafka),
    ("AWSSDK.S3", BackingKind::S3),
    ("Minio", BackingKind::S3),
    ("Elastic.Clients.Elasticsearch", BackingKind::Elasticsearch),
    ("NEST", BackingKind::Elasticsearch),
];

static URL_IN_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:Urls\.Add|UseUrls|\.Run)\(\s*"https?://[^"/]*:(\d{2,5})"#)
        .expect("built-in pattern")
});
static KESTREL_LISTEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\.Listen(?:AnyIP|Localhost)?\(\s*(?:IPAddress\.\w+\s*,\s*)?(\d{2,5})\b")
        .expect("built-in pattern")
});
static URL_IN_SETTINGS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""(?:Url|urls|Urls)"\s*:\s*"https?://[^"/]*:(\d{2,5})"#).expect("built-in pattern")
});
static ASPNETCORE_PORT_ENV: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)ASPNETCORE_(?:HTTP_PORTS\s*[=\s]\s*"?(\d{2,5})|URLS\s*[=\s]\s*"?https?://[^\s";:]*:(\d{2,5}))"#)
        .expect("built-in pattern")
});
/// .NET code reads configuration-style names (`ConnectionStrings__Default`), which the shared
/// upper-case scanner leaves out.
static MIXED_CASE_ENV: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"Environment\.GetEnvironmentVariable\(\s*"([A-Za-z_][A-Za-z0-9_]*)""#)
        .expect("built-in pattern")
});
static SERVER_VIEWS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:AddRazorPages|AddControllersWithViews|MapRazorComponents|AddServerSideBlazor)\b",
    )
    .expect("built-in pattern")
});

/// Detect a .NET service (or library) in `dir`.
pub fn detect(ctx: &Ctx, dir: &str) -> Option<Found> {
    let own_dir = if dir == "." { "" } else { dir };
    let csprojs: Vec<&FileEntry> = ctx
        .service_files(dir)
        .filter(|f| f.dir() == own_dir && f.name().to_ascii_lowercase().ends_with(".csproj"))
        .collect();
    if csprojs.is_empty() {
        return None;
    }

    let mut parsed: Vec<(&FileEntry, Project)> = Vec::new();
    for f in &csprojs {
        if let Some(p) = read_project(ctx, &f.path) {
            parsed.push((f, p));
        }
    }
    if parsed.is_empty() {
        return minimal_service(ctx, dir, csprojs[0]);
    }
    // Test projects are neither services nor shared libraries.
    parsed.retain(|(_, p)| !p.is_test);
    if parsed.is_empty() {
        return None;
    }
    let web: Vec<usize> = (0..parsed.len())
        .filter(|i| is_web(&parsed[*i].1))
        .collect();
    let pick = web.first().copied().unwrap_or(0);
    if parsed.len() > 1 {
        ctx.ambiguity(Ambiguity {
            subject: format!("services at {dir}.project"),
            chosen: Some(parsed[pick].0.name().to_string()),
            candidates: parsed
                .iter()
                .map(|(f, _)| {
                    Located::new(
                        f.name().to_string(),
                        Evidence::file(&f.path, "project file"),
                    )
                })
                .collect(),
            hint: "keep one project per folder, or set the service's commands in shipshape.toml"
                .into(),
        });
    }
    let (file, project) = parsed.swap_remove(pick);
    let path = file.path.as_str();
    let file_name = file.name();
    let stem = file_name
        .rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(file_name);
    let assembly = project
        .assembly_name
        .clone()
        .unwrap_or_else(|| stem.to_string());

    // An Aspire AppHost starts the other projects on a developer's machine, and a test project
    // runs tests: neither is deployed as a service.
    let text = ctx.text(path).unwrap_or_default();
    let aspire_host = text.contains("Aspire.AppHost.Sdk")
        || text.contains("<IsAspireHost>true")
        || text.contains("\"Aspire.Hosting.AppHost\"");
    let test_project =
        text.contains("\"Microsoft.NET.Test.Sdk\"") || text.contains("<IsTestProject>true");
    if aspire_host || test_project {
        return Some(Found::Library { name: assembly });
    }
    let web = is_web(&project);
    let worker = project
        .sdk
        .as_ref()
        .is_some_and(|(s, _)| s == "Microsoft.NET.Sdk.Worker")
        || project.output_exe;
    if !web && !worker {
        return Some(Found::Library { name: assembly });
    }

    let sdk_line = project.sdk.as_ref().map(|(_, l)| *l);
    let mut svc = Service::new(
        &assembly,
        dir,
        Located::new(
            Language::Csharp,
            Evidence::new(path, sdk_line, format!("{file_name} (C# project)")),
        ),
    );
    let name = assembly.clone();

    let mut pm_ev = vec![Evidence::new(
        path,
        sdk_line,
        format!("{file_name} (dotnet SDK project)"),
    )];
    let lock = Ctx::join(dir, "packages.lock.json");
    if ctx.exists(&lock) {
        pm_ev.push(Evidence::file(&lock, "packages.lock.json"));
    }
    svc.package_manager = Some(Located {
        value: PackageManager::Dotnet,
        evidence: pm_ev,
    });

    svc.runtime_version = runtime_version(ctx, dir, &name, path, file_name, &project);

    let sources = ctx.source_texts(dir, &["cs"]);
    if web {
        let ev = match (&project.sdk, project.aspnet_framework_ref) {
            (Some((sdk, l)), _) if sdk == "Microsoft.NET.Sdk.Web" => {
                Evidence::new(path, Some(*l), format!("{file_name} > Project Sdk {sdk}"))
            }
            (_, line) => Evidence::new(
                path,
                line,
                format!("{file_name} > FrameworkReference Microsoft.AspNetCore.App"),
            ),
        };
        svc.framework = Some(Located::new(Framework::AspnetCore, ev));
        svc.role = if sources.iter().any(|(_, t)| SERVER_VIEWS.is_match(t)) {
            ServiceRole::Web
        } else {
            ServiceRole::Api
        };
    } else {
        svc.role = ServiceRole::Worker;
    }

    svc.build_command = Some(Located::new(
        format!("dotnet publish {file_name} -c Release -o out"),
        Evidence::new(path, sdk_line, format!("{file_name} (project to publish)")),
    ));
    let dll_note = if project.assembly_name.is_some() {
        format!("{file_name} > AssemblyName {assembly}")
    } else {
        format!("{file_name} (assembly named after the project)")
    };
    svc.start_command = Some(Located::new(
        format!("dotnet out/{assembly}.dll"),
        Evidence::new(path, sdk_line, dll_note),
    ));

    if web {
        let mut explicit = code_ports(&sources);
        explicit.extend(settings_ports(ctx, dir));
        explicit.extend(env_ports(ctx, dir));
        explicit.extend(ctx.port_hints(dir));
        let default = svc.framework.as_ref().map(|fw| {
            let major = svc
                .runtime_version
                .as_ref()
                .and_then(|v| v.value.split('.').next()?.parse::<u32>().ok());
            let (port, mut note) = match major {
                Some(m) if m < 8 => (
                    80,
                    "ASP.NET Core container default before .NET 8 (port 80)".to_string(),
                ),
                _ => (
                    8080,
                    "ASP.NET Core 8+ container default (ASPNETCORE_HTTP_PORTS=8080)".to_string(),
                ),
            };
            let launch = Ctx::join(dir, "Properties/launchSettings.json");
            if ctx.exists(&launch) {
                note.push_str("; Properties/launchSettings.json applicationUrl is for local development and was not used");
            }
            Located::new(port, Evidence::new(path, fw.evidence[0].line, note))
        });
        svc.port = ctx.choose_port(&name, default, explicit);
        svc.health_path = ctx.health_path(dir, Language::Csharp);
    }

    for (pkg, line) in &project.packages {
        if let Some((_, kind)) = BACKING.iter().find(|(id, _)| id.eq_ignore_ascii_case(pkg)) {
            add_backing(
                &mut svc.backing_services,
                *kind,
                Evidence::new(
                    path,
                    Some(*line),
                    format!("{file_name} > PackageReference {pkg}"),
                ),
            );
        }
    }

    svc.env_vars = env_vars(ctx, dir, &sources);
    Some(Found::Service(Box::new(svc)))
}

fn is_web(p: &Project) -> bool {
    p.sdk
        .as_ref()
        .is_some_and(|(s, _)| s == "Microsoft.NET.Sdk.Web")
        || p.aspnet_framework_ref.is_some()
}

/// A project file that did not parse: a service with what the folder shows, when it has a
/// `Program.cs`; otherwise nothing can be said.
fn minimal_service(ctx: &Ctx, dir: &str, file: &FileEntry) -> Option<Found> {
    if !ctx.exists(&Ctx::join(dir, "Program.cs")) {
        return None;
    }
    let stem = file
        .name()
        .rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(file.name());
    let mut svc = Service::new(
        stem,
        dir,
        Located::new(Language::Csharp, Evidence::file(&file.path, "C# project")),
    );
    svc.role = ServiceRole::Worker;
    svc.package_manager = Some(Located::new(
        PackageManager::Dotnet,
        Evidence::file(&file.path, "dotnet SDK project"),
    ));
    let sources = ctx.source_texts(dir, &["cs"]);
    svc.env_vars = env_vars(ctx, dir, &sources);
    Some(Found::Service(Box::new(svc)))
}

/// Parse a project file; malformed XML becomes a note and `None`.
fn read_project(ctx: &Ctx, path: &str) -> Option<Project> {
    let text = ctx.text(path)?;
    let doc = match roxmltree::Document::parse(&text) {
        Ok(d) => d,
        Err(e) => {
            ctx.note(
                path,
                Some(e.pos().row),
                format!("could not parse XML: {e} — values from this file were not used"),
            );
            return None;
        }
    };
    let line = |n: roxmltree::Node| doc.text_pos_at(n.range().start).row;
    let root = doc.root_element();
    let mut p = Project {
        sdk: root.attribute("Sdk").map(|s| {
            // `Microsoft.NET.Sdk.Web/8.0.0` pins an SDK version; the name is what matters here.
            let name = s.split('/').next().unwrap_or(s).trim().to_string();
            (name, line(root))
        }),
        ..Project::default()
    };
    for n in root.descendants().filter(|n| n.is_element()) {
        let text = || {
            n.text()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
        };
        match n.tag_name().name() {
            "TargetFramework" if p.target_framework.is_none() => {
                p.target_framework = text().map(|t| (t, line(n)));
            }
            "TargetFrameworks" if p.target_framework.is_none() => {
                // Several targets: the newest .NET one is what a container would run.
                p.target_framework = text()
                    .and_then(|t| {
                        t.split(';')
                            .map(str::trim)
                            .filter_map(|tf| tfm_version(tf).map(|v| (tf.to_string(), v)))
                            .max_by(|a, b| version_key(&a.1).cmp(&version_key(&b.1)))
                            .map(|(tf, _)| tf)
                    })
                    .map(|t| (t, line(n)));
            }
            "AssemblyName" => p.assembly_name = text(),
            "OutputType" => p.output_exe = text().is_some_and(|t| t.eq_ignore_ascii_case("exe")),
            "IsTestProject" => p.is_test = text().is_some_and(|t| t.eq_ignore_ascii_case("true")),
            "FrameworkReference" if n.attribute("Include") == Some("Microsoft.AspNetCore.App") => {
                p.aspnet_framework_ref = Some(line(n));
            }
            "PackageReference" => {
                if let Some(id) = n.attribute("Include") {
                    if id == "Microsoft.NET.Test.Sdk" {
                        p.is_test = true;
                    }
                    p.packages.push((id.to_string(), line(n)));
                }
            }
            _ => {}
        }
    }
    Some(p)
}

/// `net8.0` → `8.0`, `netcoreapp3.1` → `3.1`, `net8.0-windows` → `8.0`; `netstandard2.0`
/// names no runtime.
fn tfm_version(tfm: &str) -> Option<String> {
    let t = tfm.trim().to_ascii_lowercase();
    let rest = t
        .strip_prefix("netcoreapp")
        .or_else(|| t.strip_prefix("net").filter(|r| !r.starts_with("standard")))?;
    let v = rest.split('-').next().unwrap_or(rest);
    // `net48` (.NET Framework) has no dot and is not a container runtime.
    (v.contains('.') && v.chars().all(|c| c.is_ascii_digit() || c == '.')).then(|| v.to_string())
}

fn version_key(v: &str) -> Vec<u32> {
    v.split('.').filter_map(|p| p.parse().ok()).collect()
}

/// The runtime from `TargetFramework` (the project's, else a `Directory.Build.props` above it),
/// with `global.json`'s SDK as further evidence; an SDK of another major is reported.
fn runtime_version(
    ctx: &Ctx,
    dir: &str,
    name: &str,
    path: &str,
    file_name: &str,
    project: &Project,
) -> Option<Located<String>> {
    let from_project = project.target_framework.as_ref().and_then(|(tf, l)| {
        tfm_version(tf).map(|v| {
            Located::new(
                v,
                Evidence::new(
                    path,
                    Some(*l),
                    format!("{file_name} > TargetFramework {tf}"),
                ),
            )
        })
    });
    let from_props = || {
        ancestors(dir).into_iter().find_map(|d| {
            let props = Ctx::join(&d, "Directory.Build.props");
            let text = ctx.text(&props)?;
            let doc = roxmltree::Document::parse(&text).ok()?;
            let n = doc
                .descendants()
                .find(|n| n.is_element() && n.tag_name().name() == "TargetFramework")?;
            let tf = n.text()?.trim().to_string();
            let v = tfm_version(&tf)?;
            Some(Located::new(
                v,
                Evidence::new(
                    &props,
                    Some(line_of_offset(&text, n.range().start)),
                    format!("Directory.Build.props > TargetFramework {tf}"),
                ),
            ))
        })
    };
    let sdk = global_json_sdk(ctx, dir);
    match (from_project.or_else(from_props), sdk) {
        (Some(mut rt), Some((sdk_v, sdk_ev))) => {
            let rt_major = rt.value.split('.').next().unwrap_or("");
            let sdk_major = sdk_v.split('.').next().unwrap_or("");
            if rt_major == sdk_major {
                rt.evidence.push(sdk_ev);
            } else {
                ctx.ambiguity(Ambiguity {
                    subject: format!("services.{name}.runtime_version"),
                    chosen: Some(rt.value.clone()),
                    candidates: vec![
                        Located {
                            value: rt.value.clone(),
                            evidence: rt.evidence.clone(),
                        },
                        Located::new(sdk_v.clone(), sdk_ev),
                    ],
                    hint: format!(
                        "align TargetFramework and global.json, or set `runtime_version` under [services.{name}] in shipshape.toml"
                    ),
                });
            }
            Some(rt)
        }
        (Some(rt), None) => Some(rt),
        // Only the SDK is pinned: its major.minor is the runtime it targets by default.
        (None, Some((sdk_v, sdk_ev))) => {
            let mm: Vec<&str> = sdk_v.split('.').take(2).collect();
            (mm.len() == 2).then(|| Located::new(mm.join("."), sdk_ev))
        }
        (None, None) => None,
    }
}

/// `dir` and every folder above it, nearest first.
fn ancestors(dir: &str) -> Vec<String> {
    let mut out = vec![dir.to_string()];
    let mut d = dir.to_string();
    while d != "." && !d.is_empty() {
        d = d
            .rsplit_once('/')
            .map(|(p, _)| p.to_string())
            .unwrap_or_else(|| ".".into());
        out.push(d.clone());
    }
    out
}

/// The SDK version of the nearest `global.json` (dotnet looks upwards for it).
fn global_json_sdk(ctx: &Ctx, dir: &str) -> Option<(String, Evidence)> {
    ancestors(dir).into_iter().find_map(|d| {
        let path = Ctx::join(&d, "global.json");
        let (text, json) = ctx.json(&path)?;
        let v = json.get("sdk")?.get("version")?.as_str()?.to_string();
        let line = crate::ctx::json_nested_line(&text, "sdk", "version");
        Some((
            v.clone(),
            Evidence::new(&path, line, format!("global.json > sdk > version {v}")),
        ))
    })
}

/// Ports the code sets: `app.Urls.Add("http://0.0.0.0:5000")`, `UseUrls(...)`,
/// `app.Run("http://...")`, Kestrel `ListenAnyIP(5000)`.
fn code_ports(sources: &[(&FileEntry, std::sync::Arc<str>)]) -> Vec<Located<u16>> {
    let mut out = Vec::new();
    for (f, text) in sources {
        let mut found: Vec<(usize, u16, &str)> = Vec::new();
        for (re, note) in [
            (&*URL_IN_CODE, "listen URL in code"),
            (&*KESTREL_LISTEN, "Kestrel listen in code"),
        ] {
            for c in re.captures_iter(text) {
                if let Some(m) = c.get(1) {
                    if let Ok(p) = m.as_str().parse::<u16>() {
                        found.push((m.start(), p, note));
                    }
                }
            }
        }
        found.sort_by_key(|(o, _, _)| *o);
        for (o, p, note) in found {
            out.push(Located::new(p, Evidence::at_offset(&f.path, text, o, note)));
        }
    }
    out
}

/// Kestrel endpoints or `urls` in `appsettings.json` (the production settings; the
/// Development file is left out).
fn settings_ports(ctx: &Ctx, dir: &str) -> Vec<Located<u16>> {
    let path = Ctx::join(dir, "appsettings.json");
    let Some(text) = ctx.text(&path) else {
        return Vec::new();
    };
    URL_IN_SETTINGS
        .captures_iter(&text)
        .filter_map(|c| {
            let m = c.get(1)?;
            let p = m.as_str().parse::<u16>().ok()?;
            Some(Located::new(
                p,
                Evidence::at_offset(&path, &text, m.start(), "appsettings.json > Kestrel URL"),
            ))
        })
        .collect()
}

/// `ASPNETCORE_HTTP_PORTS` / `ASPNETCORE_URLS` set in the service's env files or Dockerfile.
fn env_ports(ctx: &Ctx, dir: &str) -> Vec<Located<u16>> {
    let own_dir = if dir == "." { "" } else { dir };
    let mut out = Vec::new();
    for f in ctx.service_files(dir).filter(|f| {
        f.dir() == own_dir && matches!(f.kind, ArtifactKind::DotEnv | ArtifactKind::Dockerfile)
    }) {
        let Some(text) = ctx.inv.text(f) else {
            continue;
        };
        for c in ASPNETCORE_PORT_ENV.captures_iter(&text) {
            let Some(m) = c.get(1).or_else(|| c.get(2)) else {
                continue;
            };
            if let Ok(p) = m.as_str().parse::<u16>() {
                out.push(Located::new(
                    p,
                    Evidence::at_offset(&f.path, &text, m.start(), "ASP.NET Core port variable"),
                ));
            }
        }
    }
    out
}

/// Env var names the code reads: the shared scanner's plus .NET's mixed-case names.
fn env_vars(
    ctx: &Ctx,
    dir: &str,
    sources: &[(&FileEntry, std::sync::Arc<str>)],
) -> Vec<Located<String>> {
    let mut vars = ctx.env_vars(dir, Language::Csharp);
    for (f, text) in sources {
        for c in MIXED_CASE_ENV.captures_iter(text) {
            let Some(m) = c.get(1) else { continue };
            if !vars.iter().any(|v| v.value == m.as_str()) {
                vars.push(Located::new(
                    m.as_str().to_string(),
                    Evidence::at_offset(&f.path, text, m.start(), "read in code"),
                ));
            }
        }
    }
    vars.sort_by(|a, b| a.value.cmp(&b.value));
    vars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_runtime_from_target_framework_monikers() {
        assert_eq!(tfm_version("net8.0").as_deref(), Some("8.0"));
        assert_eq!(tfm_version("net9.0-windows").as_deref(), Some("9.0"));
        assert_eq!(tfm_version("netcoreapp3.1").as_deref(), Some("3.1"));
        assert_eq!(tfm_version("netstandard2.0"), None);
        assert_eq!(tfm_version("net48"), None);
    }

    #[test]
    fn finds_listen_urls_in_code_and_environment() {
        let code = r#"app.Urls.Add("http://0.0.0.0:5000"); builder.WebHost.UseUrls("http://*:5001"); o.ListenAnyIP(5002);"#;
        let ports: Vec<String> = URL_IN_CODE
            .captures_iter(code)
            .chain(KESTREL_LISTEN.captures_iter(code))
            .map(|c| c[1].to_string())
            .collect();
        assert_eq!(ports, ["5000", "5001", "5002"]);
        let env = "ENV ASPNETCORE_HTTP_PORTS=8081\nENV ASPNETCORE_URLS=http://+:5005\n";
        let ports: Vec<String> = ASPNETCORE_PORT_ENV
            .captures_iter(env)
            .map(|c| c.get(1).or_else(|| c.get(2)).unwrap().as_str().to_string())
            .collect();
        assert_eq!(ports, ["8081", "5005"]);
    }

    #[test]
    fn reads_mixed_case_configuration_env_names() {
        let code = r#"var cs = Environment.GetEnvironmentVariable("ConnectionStrings__Default");"#;
        assert_eq!(
            &MIXED_CASE_ENV.captures(code).unwrap()[1],
            "ConnectionStrings__Default"
        );
    }
}
