//! Node.js: Express/NestJS/Fastify/… servers, Next.js and single-page apps.

use super::*;

/// How one package manager installs and runs scripts.
pub(super) struct Manager {
    pub name: &'static str,
    /// Lockfiles, any of which marks the project (the first present is copied).
    pub lockfiles: &'static [&'static str],
    pub cache: &'static str,
    pub prod_install: &'static str,
    pub full_install: &'static str,
    /// Needs `corepack enable` first (pnpm, and Yarn 2+).
    pub corepack: bool,
    /// The release corepack activates (`pnpm@9`) when package.json names none in
    /// `packageManager`: otherwise corepack takes the newest, whose lockfile format or
    /// build-script policy may not be the project's.
    pub pin: Option<&'static str>,
    pub runtime: &'static str,
    pub run_script: &'static str,
}

pub(super) fn manager(service: &Service, inv: &Inventory, lock_dir: &str) -> Manager {
    let pm = service
        .package_manager
        .as_ref()
        .map(|p| p.value)
        .unwrap_or(PackageManager::Npm);
    match pm {
        PackageManager::Pnpm => Manager {
            name: "pnpm",
            lockfiles: &["pnpm-lock.yaml"],
            cache: "/root/.local/share/pnpm/store",
            prod_install: "pnpm install --frozen-lockfile --prod",
            full_install: "pnpm install --frozen-lockfile",
            corepack: true,
            pin: pnpm_release(inv, lock_dir),
            runtime: "node",
            run_script: "pnpm run",
        },
        PackageManager::Yarn if has(inv, lock_dir, ".yarnrc.yml") => Manager {
            name: "yarn",
            lockfiles: &["yarn.lock"],
            cache: "/root/.yarn/berry/cache",
            prod_install: "yarn workspaces focus --all --production",
            full_install: "yarn install --immutable",
            corepack: true,
            pin: None,
            runtime: "node",
            run_script: "yarn run",
        },
        PackageManager::Yarn => Manager {
            name: "yarn",
            lockfiles: &["yarn.lock"],
            cache: "/usr/local/share/.cache/yarn",
            prod_install: "yarn install --frozen-lockfile --production",
            full_install: "yarn install --frozen-lockfile",
            corepack: false,
            pin: None,
            runtime: "node",
            run_script: "yarn run",
        },
        PackageManager::Bun => Manager {
            name: "bun",
            lockfiles: &["bun.lock", "bun.lockb"],
            cache: "/root/.bun/install/cache",
            prod_install: "bun install --frozen-lockfile --production",
            full_install: "bun install --frozen-lockfile",
            corepack: false,
            pin: None,
            runtime: "bun",
            run_script: "bun run",
        },
        _ => Manager {
            name: "npm",
            lockfiles: &["package-lock.json", "npm-shrinkwrap.json"],
            cache: "/root/.npm",
            prod_install: "npm ci --omit=dev",
            full_install: "npm ci",
            corepack: false,
            pin: None,
            runtime: "node",
            run_script: "npm run",
        },
    }
}

/// Where the lockfile is: the service's folder, or the workspace root above it.
struct Layout {
    context: String,
    /// Manifests to copy before the source, relative to the context.
    manifests: Vec<String>,
    lockfile: Option<String>,
    manager: Manager,
    /// Install-time scripts of the installed package.json (`prepare`, `postinstall`) that run a
    /// dev dependency: a production install has no such program, so they are left out there.
    dev_scripts: Vec<String>,
    /// The member selection of the full install (the build stage): only in a pnpm workspace
    /// with no root project, whose members are independent apps. Installing them all there
    /// runs every member's install scripts before its files are copied.
    full_scope: Option<String>,
    /// npm 6, the npm of the Node 14 image: it knows neither `--omit=dev` (it installs the dev
    /// dependencies too) nor `npm pkg`. Set once the base image is chosen.
    npm6: bool,
}

impl Layout {
    /// Records which npm the chosen image ships.
    fn for_images(mut self, img: &BaseImages) -> Layout {
        let major = img
            .version
            .split('.')
            .next()
            .and_then(|m| m.parse::<u32>().ok());
        self.npm6 = self.manager.name == "npm" && major.is_some_and(|m| m < 15);
        self
    }
}

fn layout(service: &Service, inv: &Inventory) -> Layout {
    let mut layout = layout_of(service, inv);
    if layout.manager.runtime == "node" {
        let manifest = inv.text_of(&join(&layout.context, "package.json"));
        layout.dev_scripts = manifest
            .map(|t| dev_lifecycle_scripts(&t))
            .unwrap_or_default();
    }
    let root = root_of(service);
    if layout.manager.name == "pnpm" && layout.context == "." && !has(inv, ".", "package.json") {
        let service_dir = relative(root, &layout.context);
        layout.full_scope = member_scope(&layout.manager, inv, root, &service_dir);
    }
    layout
}

/// The lifecycle scripts npm, pnpm and Yarn run on the project itself during an install whose
/// program is a dev dependency only (`"prepare": "husky"`, `"prepare": "nuxt prepare"`).
fn dev_lifecycle_scripts(manifest: &str) -> Vec<String> {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(manifest) else {
        return Vec::new();
    };
    let deps = |section: &str| -> Vec<String> {
        json.get(section)
            .and_then(|d| d.as_object())
            .map(|d| d.keys().cloned().collect())
            .unwrap_or_default()
    };
    let dev = deps("devDependencies");
    let runtime: Vec<String> = ["dependencies", "optionalDependencies"]
        .iter()
        .flat_map(|s| deps(s))
        .collect();
    let provides =
        |program: &str, pkg: &str| pkg == program || pkg.ends_with(&format!("/{program}"));
    let dev_only = |program: &str| {
        dev.iter().any(|p| provides(program, p)) && !runtime.iter().any(|p| provides(program, p))
    };
    let scripts = json.get("scripts").and_then(|s| s.as_object());
    [
        "preinstall",
        "install",
        "postinstall",
        "prepublish",
        "preprepare",
        "prepare",
        "postprepare",
    ]
    .into_iter()
    .filter(|name| {
        let Some(script) = scripts.and_then(|s| s.get(*name)).and_then(|s| s.as_str()) else {
            return false;
        };
        // The shell reader the audit uses: operators, quotes, `FOO=1 cmd` and `env`/`exec`.
        shipshape_syntax::shell::split(script, 0)
            .iter()
            .any(|command| {
                let command = command.unwrapped();
                let mut program = command.name().unwrap_or("");
                if matches!(program, "npx" | "pnpx" | "bunx") {
                    program = command
                        .args()
                        .iter()
                        .map(|w| w.value.as_str())
                        .find(|w| !w.starts_with('-'))
                        .unwrap_or("");
                }
                !program.is_empty() && dev_only(program)
            })
    })
    .map(str::to_string)
    .collect()
}

fn layout_of(service: &Service, inv: &Inventory) -> Layout {
    let root = root_of(service);
    let probe = manager(service, inv, root);
    let in_root = probe.lockfiles.iter().find(|l| has(inv, root, l));
    if let Some(lock) = in_root {
        let mut manifests = vec!["package.json".to_string(), lock.to_string()];
        extra_manifests(inv, root, &mut manifests);
        return Layout {
            context: root.to_string(),
            manifests,
            lockfile: Some(lock.to_string()),
            manager: probe,
            dev_scripts: Vec::new(),
            full_scope: None,
            npm6: false,
        };
    }
    // A workspace member: the lockfile and the other members' manifests are at the root.
    let workspace_lock = probe.lockfiles.iter().find(|l| has(inv, ".", l));
    match workspace_lock {
        Some(lock) if root != "." => {
            let manager = manager(service, inv, ".");
            // A pnpm workspace needs no package.json at its root: pnpm-workspace.yaml and the
            // lockfile are the workspace.
            let mut manifests: Vec<String> = ["package.json", lock]
                .into_iter()
                .filter(|f| *f != "package.json" || has(inv, ".", f))
                .map(str::to_string)
                .collect();
            extra_manifests(inv, ".", &mut manifests);
            manifests.extend(
                inv.files()
                    .iter()
                    .filter(|f| {
                        f.name() == "package.json"
                            && f.path != "package.json"
                            && !f.path.contains("node_modules/")
                    })
                    .map(|f| f.path.clone()),
            );
            Layout {
                context: ".".to_string(),
                manifests,
                lockfile: Some(lock.to_string()),
                manager,
                dev_scripts: Vec::new(),
                full_scope: None,
                npm6: false,
            }
        }
        _ => Layout {
            context: root.to_string(),
            manifests: vec!["package.json".to_string()],
            lockfile: None,
            manager: probe,
            dev_scripts: Vec::new(),
            full_scope: None,
            npm6: false,
        },
    }
}

/// Configuration the install reads beside the manifests. A project `.npmrc` goes in only when
/// it holds settings alone (`shamefully-hoist=true`, `node-linker=hoisted`, which decide the
/// layout of node_modules); one with a registry credential stays out, and the build secret
/// mounted at /root/.npmrc supplies the token.
fn extra_manifests(inv: &Inventory, dir: &str, out: &mut Vec<String>) {
    for extra in [".npmrc", ".yarnrc.yml", "pnpm-workspace.yaml"] {
        if !has(inv, dir, extra) {
            continue;
        }
        if extra == ".npmrc"
            && inv.text_of(&join(dir, extra)).is_none_or(|t| {
                shipshape_audit::rules::docker::own::secret_file_copied::npmrc_carries_credentials(
                    &t,
                )
            })
        {
            continue;
        }
        out.push(extra.to_string());
    }
}

/// The pnpm major that wrote the lockfile (`lockfileVersion`), unless package.json's
/// `packageManager` names the release (corepack then takes that one).
fn pnpm_release(inv: &Inventory, lock_dir: &str) -> Option<&'static str> {
    for dir in [lock_dir, "."] {
        if inv
            .text_of(&join(dir, "package.json"))
            .is_some_and(|t| t.contains("\"packageManager\""))
        {
            return None;
        }
        let Some(lock) = inv.text_of(&join(dir, "pnpm-lock.yaml")) else {
            continue;
        };
        let version = lock
            .lines()
            .find_map(|l| l.strip_prefix("lockfileVersion:"))
            .map(|v| v.trim().trim_matches(['\'', '"']).to_string())
            .unwrap_or_default();
        return Some(match version.split('.').next().unwrap_or("") {
            "5" => "pnpm@7",
            "6" => "pnpm@8",
            _ => "pnpm@9",
        });
    }
    None
}

/// The install steps. `npm ci` refuses to run without package-lock.json: a project without
/// one installs with `npm install` (and is warned to commit a lockfile).
fn install_commands(layout: &Layout, full: bool) -> Vec<String> {
    let m = &layout.manager;
    let mut cmds = Vec::new();
    if !full && !layout.dev_scripts.is_empty() {
        // npm ships with every Node image; `npm pkg delete` edits this stage's package.json
        // only (the lockfile records no scripts).
        let keys: Vec<String> = layout
            .dev_scripts
            .iter()
            .map(|s| format!("scripts.{s}"))
            .collect();
        if layout.npm6 {
            // npm 6 has no `npm pkg`: node edits the manifest the same way.
            let deletes: String = layout
                .dev_scripts
                .iter()
                .map(|s| format!("delete p.scripts[{s:?}];"))
                .collect();
            cmds.push(format!(
                "node -e 'const f=\"package.json\",fs=require(\"fs\"),p=JSON.parse(fs.readFileSync(f));{deletes}fs.writeFileSync(f,JSON.stringify(p,null,2))'"
            ));
        } else {
            cmds.push(format!("npm pkg delete {}", keys.join(" ")));
        }
    }
    if m.corepack {
        cmds.push("corepack enable".to_string());
        if let Some(pin) = m.pin {
            cmds.push(format!("corepack prepare {pin} --activate"));
        }
    }
    let install = if full { m.full_install } else { m.prod_install };
    let mut install = match (layout.lockfile.is_none(), install.strip_prefix("npm ci")) {
        (true, Some(rest)) => format!("npm install --no-audit --no-fund{rest}"),
        // Without a lockfile there is nothing to freeze: `--frozen-lockfile` would fail.
        (true, None) => install.replace(" --frozen-lockfile", ""),
        _ => install.to_string(),
    };
    if full {
        if let Some(scope) = &layout.full_scope {
            install.push_str(scope);
        }
    }
    if layout.npm6 {
        install = install.replace("--omit=dev", "--production");
    }
    cmds.push(install);
    cmds
}

/// The HEALTHCHECK of a Node or Bun server: `GET path` when the code defines that route, else
/// only that the port accepts connections. Node's `http` module, not `fetch`: `fetch` exists
/// only from Node 18 on, `http` in every version and in Bun (run with `bun -e` there).
fn health(runtime: &str, port: Option<u16>, path: Option<&str>) -> serde_json::Value {
    let check = port.map(|p| {
        let script = match path {
            Some(path) => format!(
                "require('http').get('{}', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))",
                health_url(p, path)
            ),
            None => format!(
                "require('net').connect({p}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"
            ),
        };
        // Bun's images need not carry a `node`; `bun -e` runs the same script.
        let program = if runtime == "bun" { "bun" } else { "node" };
        vec![program.to_string(), "-e".to_string(), script]
    });
    health_model(
        check,
        "15s",
        "a worker without an HTTP port: the process itself is its health",
    )
}

/// The warning for a server whose code defines no health route: the check is a TCP one.
fn no_route_warning(warnings: &mut Vec<String>) {
    warnings.push(
        "no health route was found in the code: the HEALTHCHECK only checks that the port \
         accepts connections; add a route such as GET /health that answers 200 and name it in \
         shipshape.toml"
            .to_string(),
    );
}

/// Whether a Next.js config sets `output: 'standalone'` in code (not in a comment).
pub(super) fn next_standalone(config: &str) -> bool {
    let code = strip_js_comments(config);
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    [
        "output:'standalone'",
        "output:\"standalone\"",
        "output:`standalone`",
    ]
    .iter()
    .any(|needle| compact.contains(needle))
}

/// JavaScript without its `//` and `/* */` comments (strings are kept as they are).
fn strip_js_comments(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut chars = src.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('/', Some('/')) => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
            }
            ('\'' | '"' | '`', _) => {
                quote = Some(c);
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether the package.json in `root` lists `name` among its production `dependencies` (the
/// image installs no others).
fn declares_dependency(inv: &Inventory, root: &str, name: &str) -> bool {
    // Programs whose package has another name: the frameworks' own servers.
    const BIN_PACKAGES: &[(&str, &str)] = &[
        ("remix-serve", "@remix-run/serve"),
        ("react-router-serve", "@react-router/serve"),
    ];
    let owner = BIN_PACKAGES
        .iter()
        .find(|(bin, _)| *bin == name)
        .map(|(_, pkg)| *pkg);
    inv.text_of(&join(root, "package.json"))
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .is_some_and(|v| {
            v.get("dependencies")
                .and_then(|d| d.as_object())
                .is_some_and(|d| {
                    d.contains_key(name)
                        || owner.is_some_and(|o| d.contains_key(o))
                        || d.keys().any(|k| k.ends_with(&format!("/{name}")))
                })
        })
}

/// Variables the build stage sets so a full install and build work in an image:
/// dev dependencies that download a browser or an app binary in `postinstall` (Cypress,
/// Puppeteer, Electron) skip it, since the image runs neither; Nx runs without its daemon and
/// Nx Cloud; and an env schema that the
/// build loads (`@t3-oss/env`, validated when `next.config` imports it) is told to skip its
/// check the way the project itself allows (`skipValidation: !!process.env.CI`), because the
/// server-side values are runtime configuration that a build must not need.
fn build_time_env(inv: &Inventory, root: &str) -> Vec<(&'static str, String)> {
    let manifest = inv
        .text_of(&join(root, "package.json"))
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    let dev = |name: &str| {
        manifest
            .as_ref()
            .and_then(|v| v.get("devDependencies"))
            .and_then(|d| d.as_object())
            .is_some_and(|d| d.contains_key(name))
    };
    let mut out = Vec::new();
    for (package, var, value) in [
        ("cypress", "CYPRESS_INSTALL_BINARY", "0"),
        ("puppeteer", "PUPPETEER_SKIP_DOWNLOAD", "true"),
        ("electron", "ELECTRON_SKIP_BINARY_DOWNLOAD", "1"),
    ] {
        if dev(package) {
            out.push((var, value.to_string()));
        }
    }
    // Nx starts a background daemon for its project graph and may call Nx Cloud: in an image
    // build the daemon would outlive the step and the cloud is not part of the build.
    if dev("nx") || inv.contains(&join(root, "nx.json")) {
        out.push(("NX_DAEMON", "false".to_string()));
        out.push(("NX_NO_CLOUD", "true".to_string()));
    }
    let schemas = ["src/env", "env", "src/env/server", "src/env/index"];
    let exts = ["ts", "mjs", "js", "mts"];
    for stem in schemas {
        for ext in exts {
            let Some(text) = inv.text_of(&join(root, &format!("{stem}.{ext}"))) else {
                continue;
            };
            if let Some(var) = env_schema_skip(&text) {
                if !out.iter().any(|(v, _)| *v == var) {
                    out.push((var, "1".to_string()));
                }
            }
        }
    }
    out
}

/// The variable whose presence makes an `@t3-oss/env` schema skip validation, read from its
/// `skipValidation:` expression (`!!process.env.SKIP_ENV_VALIDATION`, `!!process.env.CI || …`);
/// a comparison (`process.env.X === "lint"`) is not a presence test and is not taken.
fn env_schema_skip(text: &str) -> Option<&'static str> {
    if !text.contains("createEnv") {
        return None;
    }
    let start = text.find("skipValidation:")? + "skipValidation:".len();
    let rest = &text[start..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    let expr = &rest[..end];
    // The names a build may set without changing anything else the app does.
    ["SKIP_ENV_VALIDATION", "CI"].into_iter().find(|name| {
        let needle = format!("process.env.{name}");
        expr.match_indices(&needle).any(|(i, m)| {
            let after = expr[i + m.len()..].trim_start();
            let whole = !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
            whole && !after.starts_with("==") && !after.starts_with("!=")
        })
    })
}

/// The install flag that prunes a workspace install to one member: npm's `--workspace DIR`,
/// pnpm's `--filter NAME...` (the member and the workspace packages it depends on). `None` for
/// a project that is not a workspace member, or a manager without such a flag.
fn member_scope(m: &Manager, inv: &Inventory, root: &str, service_dir: &str) -> Option<String> {
    if service_dir.is_empty() {
        return None;
    }
    match m.name {
        "npm" => Some(format!(" --workspace {service_dir}")),
        "pnpm" => {
            let manifest = inv.text_of(&join(root, "package.json"))?;
            let value: serde_json::Value = serde_json::from_str(&manifest).ok()?;
            let safe = |s: &str| {
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "@/-_.".contains(c))
            };
            match value.get("name").and_then(|n| n.as_str()) {
                Some(name) if safe(name) => Some(format!(" --filter {name}...")),
                // A member without a name is selected by its folder (and its dependencies).
                None if safe(service_dir) => Some(format!(" --filter '{{{service_dir}}}...'")),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `build.outDir` of a Vite config (in code, not in a comment): where `vite build` writes.
pub(super) fn vite_out_dir(config: &str) -> Option<String> {
    let code = strip_js_comments(config);
    let at = code.find("outDir")?;
    let rest = code[at + "outDir".len()..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    let quote = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '\'' | '"' | '`'))?;
    let value = &rest[1..];
    let end = value.find(quote)?;
    let dir = value[..end].trim_start_matches("./").trim_end_matches('/');
    (!dir.is_empty() && !dir.starts_with('/') && !dir.contains('$')).then(|| dir.to_string())
}

/// `base/rel` with `.` and `..` resolved (`/app/frontend` + `../backend/app` →
/// `/app/backend/app`); `None` when `..` climbs above the root.
fn resolve_path(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in base.split('/').chain(rel.split('/')) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// `NEXT_PUBLIC_*` variables the code reads: `next build` inlines them, so they are build
/// arguments of the build stage (compose passes them from `.env`).
fn public_build_args(service: &Service) -> Vec<String> {
    let mut names: Vec<String> = service
        .env_vars
        .iter()
        .map(|v| v.value.clone())
        .filter(|n| n.starts_with("NEXT_PUBLIC_"))
        .collect();
    names.sort();
    names.dedup();
    names
}

fn runtime_images(m: &Manager, service: &Service, today: Day) -> Result<BaseImages, Skip> {
    images(
        if m.runtime == "bun" { "bun" } else { "node" },
        service,
        today,
    )
}

fn lock_warning(layout: &Layout, warnings: &mut Vec<String>) {
    if layout.lockfile.is_none() {
        warnings.push(format!(
            "no lockfile for {}: commit one so image builds install the versions you tested",
            layout.manager.name
        ));
    }
}

/// Express, NestJS, Fastify, Koa, Hono and other Node servers.
pub(super) fn server(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    let layout = layout(service, inv);
    let img = runtime_images(&layout.manager, service, today)?;
    let layout = layout.for_images(&img);
    let m = &layout.manager;
    let mut warnings = Vec::new();
    eol_warning(&img, &mut warnings);
    let version_note = default_version_note(
        if m.runtime == "bun" { "Bun" } else { "Node.js" },
        &img,
        &mut warnings,
    );
    lock_warning(&layout, &mut warnings);
    let root = root_of(service);
    let service_dir = relative(root, &layout.context);
    let Some(start_cmd) = detected(&service.start_command) else {
        return Err(Skip(
            "no start command was found (package.json `start` or `main`)".into(),
        ));
    };
    let start = words(start_cmd);
    let runs_package_manager = start
        .first()
        .is_some_and(|p| matches!(p.as_str(), "npm" | "yarn" | "pnpm" | "npx"));
    if start.is_empty() || runs_package_manager {
        return Err(Skip(format!(
            "the start command `{start_cmd}` goes through a package manager; name the server \
             script (`node dist/main.js`) in package.json `start` so it can run as PID 1"
        )));
    }
    // A program of a dependency (`pm2 start …`): npm puts node_modules/.bin on the PATH of a
    // script; run as PID 1 without npm, the command must name it. npm and Yarn 1 workspaces
    // hoist it to the root's node_modules; pnpm links it into the member's.
    let start = match start.split_first() {
        Some((program, rest))
            if !program.contains('/')
                && !matches!(program.as_str(), "node" | "bun" | "deno" | "sh" | "bash")
                && declares_dependency(inv, root, program) =>
        {
            let hoisted = !service_dir.is_empty() && m.name != "pnpm";
            let bin = if hoisted {
                format!("{WORKDIR}/node_modules/.bin/{program}")
            } else {
                format!("node_modules/.bin/{program}")
            };
            std::iter::once(bin).chain(rest.iter().cloned()).collect()
        }
        _ => start,
    };
    let build: Vec<String> = detected(&service.build_command)
        .map(|b| vec![b.to_string()])
        .unwrap_or_default();
    // What the build produces is what the start command runs: its top folder is copied. A
    // server that runs from its committed source (`node server/server.js`, the file in the
    // repository) is not the build's output: the build adds files beside it (a UI bundle the
    // server serves), so the whole built tree moves on.
    let script = start.iter().skip(1).find(|a| !a.starts_with('-'));
    let runs_from_source = !build.is_empty()
        && script.is_some_and(|s| {
            let rel = s.trim_start_matches("./");
            let in_app = if service_dir.is_empty() {
                rel.to_string()
            } else {
                format!("{service_dir}/{rel}")
            };
            rel.contains('/') && inv.contains(&join(&layout.context, &in_app))
        });
    let output_dir = if build.is_empty() || runs_from_source {
        None
    } else {
        match script.and_then(|s| s.trim_start_matches("./").split_once('/')) {
            Some((dir, _)) => Some(dir.to_string()),
            None => {
                return Err(Skip(format!(
                    "the build output folder could not be told from the start command \
                     `{start_cmd}`"
                )))
            }
        }
    };
    let port = port_of(service, 3000, &mut warnings);
    let mut env_vars = vec![("NODE_ENV", "production".to_string())];
    if let Some(p) = port {
        env_vars.push(("PORT", p.to_string()));
        env_vars.push(("HOST", "0.0.0.0".to_string()));
    }
    // pm2 keeps its logs, pid and socket files under PM2_HOME (default `~/.pm2`): the app user
    // owns no home and cannot write /app, so they go to /tmp (a tmpfs under a read-only root).
    if start
        .first()
        .and_then(|p| p.rsplit('/').next())
        .is_some_and(|p| matches!(p, "pm2" | "pm2-runtime"))
    {
        env_vars.push(("PM2_HOME", "/tmp/.pm2".to_string()));
    }
    // The package manager the code runs at run time (a plugin manager calling `pnpm ls`) is
    // prepared in the final image for every user: corepack keeps it under COREPACK_HOME, not
    // in root's home, so the app user finds it without a download.
    let run_pm = service
        .run_programs
        .iter()
        .find(|p| m.corepack && m.name == p.value)
        .map(|p| {
            env_vars.push(("COREPACK_HOME", "/usr/local/share/corepack".to_string()));
            let prepare = match m.pin {
                Some(pin) => format!("corepack prepare {pin} --activate"),
                // package.json's `packageManager` names the release: install that one.
                None => "corepack install".to_string(),
            };
            json!({
                "setup": format!("corepack enable \\\n && {prepare}"),
                "site": site(p),
                "name": p.value,
            })
        });
    let health_path = detected(&service.health_path);
    if port.is_some() && health_path.is_none() {
        no_route_warning(&mut warnings);
    }
    let mut install = install_commands(&layout, false);
    if let Some(scope) = member_scope(m, inv, root, &service_dir) {
        // Only this member's production dependencies (and its workspace packages'), not
        // every workspace's.
        if let Some(last) = install.last_mut() {
            last.push_str(&scope);
        }
    }
    // Libraries that need Debian packages beside Node (Prisma's engines and OpenSSL).
    let native = super::super::native::needs(inv, root, root, "node");
    let build_env = if output_dir.is_some() || runs_from_source {
        env(&build_time_env(inv, root))
    } else {
        Vec::new()
    };
    let recipe = Recipe {
        service_dir,
        build_env,
        install,
        build,
        copies: Vec::new(),
        env: env(&env_vars),
        start,
        port,
        health_path: port.and(health_path).map(str::to_string),
        tools: Vec::new(),
        runtime_version: img.version.clone(),
    };
    let framework = service
        .framework
        .as_ref()
        .map(|f| value_name(&f.value))
        .unwrap_or_else(|| "node".to_string());
    let model = json!({
        "build_image": img.build,
        "run_image": img.run,
        "manifests": layout.manifests,
        "cache": m.cache,
        "full_install": install_commands(&layout, true).join(" \\\n && "),
        "locked": layout.lockfile.is_some(),
        "build_packages": native.build,
        "run_packages": native.run,
        "native_why": native.why,
        "native_env": native.env,
        "output_dir": output_dir,
        "source_build": runs_from_source,
        "run_pm": run_pm,
        "health": health(m.runtime, port, health_path),
        "title": format!("{} ({framework})", runtime_label(if m.runtime == "bun" { "Bun" } else { "Node.js" }, &img)),
    });
    Ok(Generated {
        template: "node",
        model,
        recipe,
        context: layout.context,
        summary: format!(
            "{framework} server with production dependencies only ({} {})",
            m.name,
            if output_dir.is_some() || runs_from_source {
                "build, then install --prod"
            } else {
                "install --prod"
            }
        ),
        run_image: img.run,
        user: APP_USER.to_string(),
        warnings,
        version_note,
    })
}

/// Next.js: with `output: 'standalone'` the traced server and its modules, nothing else;
/// without it, `next start` over the build and the production dependencies.
pub(super) fn nextjs(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    let layout = layout(service, inv);
    let img = runtime_images(&layout.manager, service, today)?;
    let layout = layout.for_images(&img);
    let m = &layout.manager;
    let mut warnings = Vec::new();
    eol_warning(&img, &mut warnings);
    let version_note = default_version_note(
        if m.runtime == "bun" { "Bun" } else { "Node.js" },
        &img,
        &mut warnings,
    );
    lock_warning(&layout, &mut warnings);
    let root = root_of(service);
    let standalone = [
        "next.config.js",
        "next.config.mjs",
        "next.config.ts",
        "next.config.cjs",
    ]
    .iter()
    .filter_map(|c| inv.text_of(&join(root, c)))
    .any(|t| next_standalone(&t));
    let service_dir = relative(root, &layout.context);
    let port = port_of(service, 3000, &mut warnings);
    let port_value = port.unwrap_or(3000);
    let build = detected(&service.build_command)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{} build", m.run_script));
    let start = if standalone {
        let server = if service_dir.is_empty() {
            "server.js".to_string()
        } else {
            format!("{service_dir}/server.js")
        };
        vec!["node".to_string(), server]
    } else {
        // npm and Yarn 1 workspaces hoist `next` to the root's node_modules; pnpm links it
        // into the member's.
        let hoisted = !service_dir.is_empty() && m.name != "pnpm";
        let bin = if hoisted {
            format!("{WORKDIR}/node_modules/next/dist/bin/next")
        } else {
            "node_modules/next/dist/bin/next".to_string()
        };
        vec!["node".to_string(), bin, "start".to_string()]
    };
    // A route the app defines: its health route, else its home page.
    let has_home = ["app", "src/app", "pages", "src/pages"].iter().any(|d| {
        ["page", "index"].iter().any(|stem| {
            ["js", "jsx", "ts", "tsx", "mdx"]
                .iter()
                .any(|ext| inv.contains(&join(root, &format!("{d}/{stem}.{ext}"))))
        })
    });
    let health_path = detected(&service.health_path).or(has_home.then_some("/"));
    if health_path.is_none() {
        no_route_warning(&mut warnings);
    }
    let prune = match m.name {
        "npm" if layout.npm6 => Some("npm prune --production"),
        "npm" => Some("npm prune --omit=dev"),
        "pnpm" => Some("pnpm prune --prod"),
        _ => None,
    };
    let native = super::super::native::needs(inv, root, root, "node");
    let build_args = public_build_args(service);
    let recipe = Recipe {
        service_dir: service_dir.clone(),
        build_env: env(
            &std::iter::once(("NEXT_TELEMETRY_DISABLED", "1".to_string()))
                .chain(build_time_env(inv, root))
                .collect::<Vec<_>>(),
        ),
        install: install_commands(&layout, true),
        build: vec![build],
        copies: if standalone {
            vec![(".next/standalone".to_string(), ".".to_string())]
        } else {
            vec![(".".to_string(), ".".to_string())]
        },
        env: env(&[
            ("NODE_ENV", "production".to_string()),
            ("NEXT_TELEMETRY_DISABLED", "1".to_string()),
            ("PORT", port_value.to_string()),
            ("HOSTNAME", "0.0.0.0".to_string()),
        ]),
        start,
        port: Some(port_value),
        health_path: health_path.map(str::to_string),
        tools: Vec::new(),
        runtime_version: img.version.clone(),
    };
    let model = json!({
        "build_image": img.build,
        "run_image": img.run,
        "manifests": layout.manifests,
        "cache": m.cache,
        "build_packages": native.build,
        "run_packages": native.run,
        "native_why": native.why,
        "native_env": native.env,
        "has_public": has_dir(inv, root, "public"),
        "standalone": standalone,
        "prune": if standalone { None } else { prune },
        "build_args": build_args,
        "health": health(m.runtime, Some(port_value), health_path),
        "title": format!(
            "{} (Next.js, {})",
            runtime_label("Node.js", &img),
            if standalone { "standalone output" } else { "next start" }
        ),
    });
    Ok(Generated {
        template: "nextjs",
        model,
        recipe,
        context: layout.context,
        summary: if standalone {
            "Next.js standalone output".to_string()
        } else {
            "Next.js served by `next start` (no `output: 'standalone'` in next.config)".to_string()
        },
        run_image: img.run,
        user: APP_USER.to_string(),
        warnings,
        version_note,
    })
}

/// Vite or Create React App: built in Node, served as static files by unprivileged nginx.
pub(super) fn spa(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    let layout = layout(service, inv);
    let img = runtime_images(&layout.manager, service, today)?;
    let layout = layout.for_images(&img);
    let m = &layout.manager;
    let nginx = image("nginx")?;
    let nginx_user = image("nginx_user")?;
    let mut warnings = Vec::new();
    eol_warning(&img, &mut warnings);
    let runtime_name = if m.runtime == "bun" { "Bun" } else { "Node.js" };
    let version_note = default_version_note(runtime_name, &img, &mut warnings);
    lock_warning(&layout, &mut warnings);
    let root = root_of(service);
    let service_dir = relative(root, &layout.context);
    let build = detected(&service.build_command)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{} build", m.run_script));
    let configured = ["js", "mjs", "cjs", "ts", "mts"]
        .iter()
        .filter_map(|ext| inv.text_of(&join(root, &format!("vite.config.{ext}"))))
        .find_map(|t| vite_out_dir(&t));
    let out = match (
        service.static_output.as_ref(),
        service.framework.as_ref().map(|f| f.value),
    ) {
        (Some(detected), _) => detected.value.clone(),
        (None, Some(Framework::CreateReactApp)) => "build".to_string(),
        (None, Some(Framework::Remix)) => "build/client".to_string(),
        _ => configured.unwrap_or_else(|| "dist".to_string()),
    };
    let out = out.as_str();
    // Vite may build outside the app's folder (`outDir: "../backend/app/static"`): the copy
    // takes the folder where the build puts it, which must stay inside the build context.
    let app_dir = if service_dir.is_empty() {
        WORKDIR.to_string()
    } else {
        format!("{WORKDIR}/{service_dir}")
    };
    let output_path = resolve_path(&app_dir, out)
        .filter(|p| p.starts_with(&format!("{WORKDIR}/")))
        .ok_or_else(|| {
            Skip(format!(
                "vite builds into `{out}`, outside the build context: set build.outDir inside \
                 the project"
            ))
        })?;
    let conf = join(root, "nginx.conf");
    let planned_conf = (!inv.contains(&conf)).then(|| conf.clone());
    let recipe = Recipe {
        service_dir,
        build_env: env(&build_time_env(inv, root)),
        install: install_commands(&layout, true),
        build: vec![build],
        copies: vec![(out.to_string(), "/usr/share/nginx/html".to_string())],
        env: Vec::new(),
        start: vec![
            "nginx".to_string(),
            "-g".to_string(),
            "daemon off;".to_string(),
        ],
        port: Some(NGINX_PORT),
        health_path: Some("/".to_string()),
        tools: Vec::new(),
        runtime_version: img.version.clone(),
    };
    let check = vec![
        "wget".to_string(),
        "-q".to_string(),
        "--spider".to_string(),
        health_url(NGINX_PORT, "/"),
    ];
    let model = json!({
        "build_image": img.build,
        "run_image": nginx,
        "manifests": layout.manifests,
        "cache": m.cache,
        "output_dir": out,
        "output_path": output_path,
        "nginx_conf_planned": planned_conf,
        "health": health_model(Some(check), "5s", ""),
        "title": format!("Single-page app built with {} and served by nginx", runtime_label(runtime_name, &img)),
    });
    Ok(Generated {
        template: "spa",
        model,
        recipe,
        context: layout.context,
        summary: format!("static build ({out}/) served by unprivileged nginx on port {NGINX_PORT}"),
        run_image: nginx,
        user: nginx_user,
        warnings,
        version_note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_env_schema_skip_is_a_presence_test_of_a_known_variable() {
        let schema = |skip: &str| {
            format!("export const env = createEnv({{ skipValidation: {skip}, server: {{}} }});")
        };
        assert_eq!(
            env_schema_skip(&schema(
                "!!process.env.CI || process.env.npm_lifecycle_event === \"lint\""
            )),
            Some("CI")
        );
        assert_eq!(
            env_schema_skip(&schema("!!process.env.SKIP_ENV_VALIDATION")),
            Some("SKIP_ENV_VALIDATION")
        );
        assert_eq!(
            env_schema_skip(&schema("process.env.SKIP_ENV_VALIDATION === \"0\"")),
            None
        );
        assert_eq!(env_schema_skip(&schema("!!process.env.CIRCLE")), None);
        assert_eq!(
            env_schema_skip(&schema("process.env.npm_lifecycle_event === \"lint\"")),
            None
        );
        assert_eq!(
            env_schema_skip("skipValidation: !!process.env.CI"),
            None,
            "not an env schema"
        );
    }

    #[test]
    fn pnpm_runs_at_the_major_that_wrote_the_lockfile() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("package.json"), "{\"name\":\"a\"}").unwrap();
        std::fs::write(
            dir.path().join("pnpm-lock.yaml"),
            "lockfileVersion: '6.0'\n",
        )
        .unwrap();
        let inv = Inventory::open(dir.path()).unwrap();
        assert_eq!(pnpm_release(&inv, "."), Some("pnpm@8"));
        std::fs::write(
            dir.path().join("package.json"),
            "{\"name\":\"a\",\"packageManager\":\"pnpm@9.12.0\"}",
        )
        .unwrap();
        let inv = Inventory::open(dir.path()).unwrap();
        assert_eq!(
            pnpm_release(&inv, "."),
            None,
            "corepack reads packageManager"
        );
    }

    #[test]
    fn the_spa_output_folder_is_read_from_vite_config() {
        assert_eq!(
            vite_out_dir("export default { build: { outDir: 'build' } }").as_deref(),
            Some("build")
        );
        assert_eq!(
            vite_out_dir("export default { build: { outDir: \"./www/\" } }").as_deref(),
            Some("www")
        );
        assert_eq!(vite_out_dir("// outDir: 'x'\nexport default {}"), None);
        // Outside the app's folder (a backend serves the files): kept, resolved at the copy.
        assert_eq!(
            vite_out_dir("export default { build: { outDir: '../backend/app/static' } }")
                .as_deref(),
            Some("../backend/app/static")
        );
        assert_eq!(
            vite_out_dir("export default { build: { outDir: '/srv/www' } }"),
            None
        );
        assert_eq!(
            resolve_path("/app/frontend", "../backend/app/static").as_deref(),
            Some("/app/backend/app/static")
        );
        assert_eq!(resolve_path("/app", "./dist").as_deref(), Some("/app/dist"));
        assert_eq!(resolve_path("/app", "../../x"), None);
    }

    #[test]
    fn standalone_output_is_read_from_code_not_from_comments() {
        assert!(next_standalone(
            "module.exports = { output: 'standalone' };"
        ));
        assert!(next_standalone(
            "export default {\n  output:\"standalone\",\n}"
        ));
        assert!(!next_standalone(
            "export default {\n  // output: 'standalone',\n  reactStrictMode: true,\n};"
        ));
        assert!(!next_standalone(
            "/* output: 'standalone' */ export default {};"
        ));
        assert!(!next_standalone("export default { output: 'export' };"));
        // A URL inside a string is not a comment.
        assert!(next_standalone(
            "const u = 'https://example.com'; export default { output: 'standalone' };"
        ));
    }
}
