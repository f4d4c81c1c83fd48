//! What the final image does when it runs, as far as the Dockerfile says: the command it starts,
//! whether that is a service or only a shell or interpreter (base and toolchain images, such as
//! the official `python` or `buildpack-deps`, are meant to be built upon), whether it starts as
//! root only to drop privileges in its entrypoint (gosu, su-exec, setpriv) or in the server
//! itself (nginx, Apache, php-fpm), whether it is a Windows image, and which base images are
//! known to run unprivileged already.

use shipshape_syntax::dockerfile::{Args, Dockerfile, Keyword, Stage};

use super::own::util::final_lineage;
use crate::rule::DockerfileDoc;

/// The words of the command the image starts: `ENTRYPOINT` followed by `CMD`, as the final
/// stage and the stages it builds on set them in this file. `None` when the file sets neither
/// (the base image's command applies, which the file does not show).
pub(crate) fn start_command(ast: &Dockerfile) -> Option<Vec<String>> {
    let lineage = final_lineage(ast);
    let last = |keyword: Keyword| {
        lineage.iter().find_map(|stage| {
            ast.instructions[stage.instructions.clone()]
                .iter()
                .rev()
                .find(|i| i.keyword == keyword)
        })
    };
    let words = |keyword: Keyword| -> Option<Vec<String>> {
        let instr = last(keyword)?;
        Some(match &instr.args {
            Args::Exec(w) => w.iter().map(|w| w.value.clone()).collect(),
            Args::Shell(s) => s.text.split_whitespace().map(str::to_string).collect(),
            _ => Vec::new(),
        })
    };
    let entrypoint = words(Keyword::Entrypoint);
    let cmd = words(Keyword::Cmd);
    if entrypoint.is_none() && cmd.is_none() {
        return None;
    }
    let mut out = entrypoint.unwrap_or_default();
    out.extend(cmd.unwrap_or_default());
    Some(out)
}

/// Programs that, started with no script to run, wait for a person at a prompt.
const INTERACTIVE: &[&str] = &[
    "sh",
    "bash",
    "ash",
    "dash",
    "zsh",
    "fish",
    "busybox",
    "python",
    "python2",
    "python3",
    "node",
    "irb",
    "ruby",
    "php",
    "jshell",
    "ghci",
    "iex",
    "erl",
    "pwsh",
    "powershell",
    "cmd",
    "lua",
    "perl",
];

/// Entrypoint scripts that only hand over to the command (`docker-php-entrypoint php -a`).
fn is_entrypoint_script(word: &str) -> bool {
    let name = program(word);
    name.contains("entrypoint") || name == "tini" || name == "dumb-init" || name == "--"
}

/// The program name of a command word: no folder, no `.exe`, lower case.
fn program(word: &str) -> String {
    let name = word
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(word)
        .to_ascii_lowercase();
    name.strip_suffix(".exe").unwrap_or(&name).to_string()
}

/// Whether the command starts a shell or an interpreter's prompt rather than a program: the
/// image is a base or toolchain image for others to build on.
pub(crate) fn is_interactive(command: &[String]) -> bool {
    let rest: Vec<&String> = command
        .iter()
        .skip_while(|w| is_entrypoint_script(w) || w.starts_with('-'))
        .collect();
    let Some(first) = rest.first() else {
        // Only an entrypoint script, no command: whatever the user passes.
        return true;
    };
    let name = program(first);
    let name = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    INTERACTIVE.contains(&name)
        && rest[1..]
            .iter()
            .all(|a| matches!(a.as_str(), "-a" | "-i" | "--interactive" | "-NoLogo" | "/S"))
}

/// Whether the image runs a program when started: the file sets a start command that is not a
/// shell or an interpreter's prompt, nor a question to a tool (`dotnet --info`, `go version`).
pub(crate) fn runs_a_service(ast: &Dockerfile) -> bool {
    start_command(ast).is_some_and(|c| {
        !c.is_empty()
            && !is_interactive(&c)
            && !only_asks(&c)
            && !does_nothing(&c)
            && !runs_once(&c)
            && !runs_an_archive(&c)
            && !is_command_line_tool(ast, &c)
    }) && !is_buildkit_frontend(ast)
}

/// Command-line tools people run one invocation at a time (`docker run --rm -i img '.a'`): a
/// filter, a client or a cloud CLI, which reads its arguments and exits.
const COMMAND_LINE_TOOLS: &[&str] = &[
    "jq",
    "yq",
    "gojq",
    "jless",
    "curl",
    "wget",
    "git",
    "aws",
    "gcloud",
    "az",
    "gh",
    "glab",
    "helm",
    "terraform",
    "tofu",
    "packer",
    "psql",
    "pg_dump",
    "mysql",
    "mysqldump",
    "mongosh",
    "sqlite3",
    "ffmpeg",
    "pandoc",
    "shellcheck",
    "promtool",
    "amtool",
];

/// An image whose start command is one command-line tool and nothing else — no argument, no
/// port, no health check: the tool is named in [`COMMAND_LINE_TOOLS`] or as a client
/// (`logcli`, `tempo-cli`, `etcdctl`). Whoever runs it passes the arguments, and it exits.
fn is_command_line_tool(ast: &Dockerfile, command: &[String]) -> bool {
    let rest = after_entrypoint_script(command);
    let [tool] = rest.as_slice() else {
        return false;
    };
    let name = program(tool);
    let named_as_tool = COMMAND_LINE_TOOLS.contains(&name.as_str())
        || (name.len() > 3 && (name.ends_with("cli") || name.ends_with("ctl")));
    named_as_tool
        && !final_lineage(ast).iter().any(|stage| {
            ast.instructions[stage.instructions.clone()]
                .iter()
                .any(|i| matches!(i.keyword, Keyword::Expose | Keyword::Healthcheck))
        })
}

/// Test runners: an image that starts one runs a suite once and exits (`cypress run`,
/// `pytest`), which is no service.
const TEST_RUNNERS: &[&str] = &[
    "cypress",
    "pytest",
    "py.test",
    "jest",
    "vitest",
    "mocha",
    "playwright",
    "newman",
    "bats",
    "phpunit",
    "rspec",
];

/// Programs that change files and exit: an image started with one is an init job (`cp` a
/// certificate to a shared volume, `chown` a data folder) that runs once.
const FILE_STEPS: &[&str] = &[
    "cp", "mv", "ln", "rm", "mkdir", "chmod", "chown", "touch", "install", "rsync", "tar",
];

/// The command's words after the entrypoint scripts that hand over to it.
fn after_entrypoint_script(command: &[String]) -> Vec<&String> {
    command
        .iter()
        .skip_while(|w| is_entrypoint_script(w))
        .collect()
}

/// A command whose program runs a test suite or a single file operation, and then exits.
fn runs_once(command: &[String]) -> bool {
    let rest = after_entrypoint_script(command);
    let Some(first) = rest.first() else {
        return false;
    };
    let name = program(first);
    if TEST_RUNNERS.contains(&name.as_str()) || FILE_STEPS.contains(&name.as_str()) {
        return true;
    }
    // `npx cypress run`, `python -m pytest`.
    let second = rest.get(1).map(|w| program(w));
    let third = rest.get(2).map(|w| program(w));
    match (name.as_str(), second.as_deref(), third.as_deref()) {
        ("npx", Some(tool), _) => TEST_RUNNERS.contains(&tool),
        (py, Some("-m"), Some(module)) if py.starts_with("python") => {
            TEST_RUNNERS.contains(&module)
        }
        _ => false,
    }
}

/// A start command whose program is an archive or an app package (`ENTRYPOINT
/// ["/app-release.apk"]` on an export-only `scratch` image): nothing that can execute.
fn runs_an_archive(command: &[String]) -> bool {
    command.first().is_some_and(|w| {
        let name = program(w);
        [
            ".apk", ".aab", ".ipa", ".zip", ".tar", ".tgz", ".gz", ".deb", ".rpm", ".msi",
        ]
        .iter()
        .any(|ext| name.ends_with(ext))
    })
}

/// A BuildKit frontend (`LABEL moby.buildkit.frontend.…`): buildkitd starts it as a sandboxed
/// gateway container to solve a build, not a service anyone runs.
fn is_buildkit_frontend(ast: &Dockerfile) -> bool {
    final_lineage(ast).iter().any(|stage| {
        ast.instructions[stage.instructions.clone()]
            .iter()
            .filter(|i| i.keyword == Keyword::Label)
            .any(|i| {
                i.key_values()
                    .iter()
                    .any(|kv| kv.key.starts_with("moby.buildkit.frontend."))
            })
    })
}

/// Programs that print something or wait and then exit, serving nothing: an image started with
/// one is a test fixture or a placeholder (`CMD ["echo", "hello"]`, `sleep infinity`).
const NO_OP_PROGRAMS: &[&str] = &[
    "echo", "cat", "true", "false", "sleep", "printenv", "env", "ls", "date", "whoami", "id",
    "hostname", "uname", "pwd", "yes",
];

/// `tail -f /dev/null`: the idiom for a container that idles so an operator can `exec` a tool
/// in it.
fn idles(rest: &[&String]) -> bool {
    rest.first().is_some_and(|w| program(w) == "tail")
        && rest.last().is_some_and(|w| w.as_str() == "/dev/null")
}

/// A command whose program does nothing a service would (see [`NO_OP_PROGRAMS`]), also through
/// `sh -c "…"` with a single such command.
fn does_nothing(command: &[String]) -> bool {
    let rest = after_entrypoint_script(command);
    let Some(first) = rest.first() else {
        return false;
    };
    let name = program(first);
    if NO_OP_PROGRAMS.contains(&name.as_str()) || idles(&rest) {
        return true;
    }
    // `sh -c "echo hi"`: one plain command, no `&&`, `;` or pipe that could start more.
    if matches!(name.as_str(), "sh" | "bash" | "ash" | "dash")
        && rest.get(1).is_some_and(|a| a.as_str() == "-c")
    {
        if let Some(script) = rest.get(2) {
            let single = !script.contains(['&', ';', '|', '\n', '`', '$']);
            let head = script.split_whitespace().next().map(program);
            return single && head.is_some_and(|h| NO_OP_PROGRAMS.contains(&h.as_str()));
        }
    }
    false
}

/// A command that only prints information about the tool.
fn only_asks(command: &[String]) -> bool {
    let rest: Vec<&String> = command
        .iter()
        .skip_while(|w| is_entrypoint_script(w))
        .skip(1)
        .collect();
    !rest.is_empty()
        && rest.iter().all(|a| {
            matches!(
                a.as_str(),
                "--info" | "--version" | "version" | "--help" | "-h" | "-v"
            )
        })
}

/// Programs that switch to an unprivileged user before running the command they are given.
const PRIVILEGE_DROPPERS: &[&str] = &[
    "gosu",
    "su-exec",
    "setpriv",
    "runuser",
    "chpst",
    "s6-setuidgid",
    "setuidgid",
];

/// Servers that start as root (to bind a low port, read keys) and run their workers as an
/// unprivileged user they are configured with.
const SELF_DROPPING_SERVERS: &[&str] = &[
    "nginx",
    "httpd",
    "httpd-foreground",
    "apache2",
    "apache2-foreground",
    "apache2ctl",
    "php-fpm",
    "php-fpm8",
    "openresty",
    // IIS: ServiceMonitor.exe watches the W3SVC service; requests are served by worker
    // processes running as their application pool's identity.
    "servicemonitor",
    // cron runs as root by design and starts each crontab's jobs as the crontab's owner.
    "cron",
    "crond",
];

/// `su <user> -c …` (or `su -s /bin/sh <user> -c …`) for a user other than root, in a start
/// command or an entrypoint script.
fn su_to_a_user(text: &str) -> bool {
    let spaced: String = text
        .chars()
        .map(|c| {
            if matches!(c, ';' | '&' | '|' | '(' | ')' | '`' | '"' | '\'') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = spaced.split_whitespace().collect();
    words.iter().enumerate().any(|(i, w)| {
        if *w != "su" {
            return false;
        }
        let mut user = None;
        let mut j = i + 1;
        while let Some(word) = words.get(j) {
            match *word {
                "-s" | "--shell" | "-g" | "--group" => j += 2,
                "-c" | "--command" => return user.is_some_and(|u: &str| u != "root"),
                w if w.starts_with('-') => j += 1,
                w if user.is_none() => {
                    user = Some(w);
                    j += 1;
                }
                _ => return false,
            }
        }
        false
    })
}

/// Whether supervisord, started with `command`, runs only programs that leave root: each
/// `[program:…]` of the configuration file (`-c <file>`, read from the build context through
/// the COPY that put it there) sets a `user=` other than root or starts a server that drops
/// privileges itself.
fn supervisord_drops(doc: &DockerfileDoc, command: &[String]) -> bool {
    let Some(at) = command.iter().position(|w| program(w) == "supervisord") else {
        return false;
    };
    let rest = &command[at + 1..];
    let config = rest
        .iter()
        .position(|w| w == "-c" || w == "--configuration")
        .and_then(|i| rest.get(i + 1))
        .map(String::as_str)
        .unwrap_or("/etc/supervisor/supervisord.conf");
    let Some(text) = context_file_copied_to(doc, config) else {
        return false;
    };
    let mut programs = 0;
    let mut section_ok = true;
    let mut in_program = false;
    let close = |in_program: bool, ok: bool, programs: &mut usize| -> bool {
        if in_program {
            *programs += 1;
        }
        !in_program || ok
    };
    let mut all_ok = true;
    for line in text.lines() {
        let line = line.split([';', '#']).next().unwrap_or("").trim();
        if line.starts_with('[') {
            all_ok &= close(in_program, section_ok, &mut programs);
            in_program = line.starts_with("[program:");
            section_ok = false;
            continue;
        }
        if !in_program {
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            let (key, value) = (key.trim(), value.trim());
            if key == "user" && value != "root" && !value.is_empty() {
                section_ok = true;
            }
            if key == "command" {
                let first = value
                    .split_whitespace()
                    .next()
                    .map(program)
                    .unwrap_or_default();
                if SELF_DROPPING_SERVERS.iter().any(|s| first.starts_with(s))
                    || PRIVILEGE_DROPPERS.contains(&first.as_str())
                {
                    section_ok = true;
                }
            }
        }
    }
    all_ok &= close(in_program, section_ok, &mut programs);
    all_ok && programs > 0
}

/// The text of the build-context file a COPY or ADD in the final image's stages put at
/// `target` (an absolute path in the image), when the file can be read.
fn context_file_copied_to(doc: &DockerfileDoc, target: &str) -> Option<String> {
    let ast = doc.ast;
    let name = target.rsplit('/').next().unwrap_or(target);
    for stage in final_lineage(ast) {
        for instr in &ast.instructions[stage.instructions.clone()] {
            if !matches!(instr.keyword, Keyword::Copy | Keyword::Add)
                || instr.flag("from").is_some()
            {
                continue;
            }
            let words = instr.words();
            let Some((dest, sources)) = words.split_last() else {
                continue;
            };
            let dest = dest.value.as_str();
            let lands_here = |source: &str| {
                let source_name = source.rsplit('/').next().unwrap_or(source);
                dest == target
                    || (dest.ends_with('/') && format!("{dest}{source_name}") == target)
                    || (source_name == name && (dest == "/" || dest == "."))
            };
            for source in sources.iter().filter(|s| lands_here(&s.value)) {
                for context in &doc.contexts {
                    let path = shipshape_syntax::compose::join(&context.dir, &source.value);
                    if let Some(text) = (doc.read)(&path) {
                        return Some(text.to_string());
                    }
                }
            }
        }
    }
    None
}

/// How the image leaves root when it starts, if it does: `("gosu", where it was seen)`.
pub(crate) fn privilege_drop(doc: &DockerfileDoc) -> Option<String> {
    let ast = doc.ast;
    let command = start_command(ast).unwrap_or_default();
    for word in &command {
        let p = program(word);
        if PRIVILEGE_DROPPERS.contains(&p.as_str()) {
            return Some(format!("`{p}` in its start command"));
        }
    }
    if su_to_a_user(&command.join(" ")) {
        return Some("`su <user> -c` in its start command".to_string());
    }
    if supervisord_drops(doc, &command) {
        return Some(
            "supervisord, whose every program runs as a user of its own or drops privileges itself"
                .to_string(),
        );
    }
    if let Some(server) = command
        .iter()
        .skip_while(|w| is_entrypoint_script(w))
        .map(|w| program(w))
        .next()
        .filter(|p| SELF_DROPPING_SERVERS.iter().any(|s| p.starts_with(s)))
    {
        return Some(format!("`{server}`, which runs its workers unprivileged"));
    }
    let lineage = final_lineage(ast);
    // A dropper installed into the image is there for the entrypoint.
    for stage in &lineage {
        for instr in &ast.instructions[stage.instructions.clone()] {
            if instr.keyword != Keyword::Run {
                continue;
            }
            for cmd in instr.run_commands_wrapped() {
                let mentions = cmd.words.iter().any(|w| {
                    let v = shipshape_syntax::shell::base_name(&w.value);
                    v == "gosu" || v == "su-exec" || v == "s6-setuidgid" || v.starts_with("gosu-")
                });
                if mentions {
                    return Some("`gosu`/`su-exec`, installed for its entrypoint".to_string());
                }
            }
            // A package list kept in an ARG or ENV (`ARG RUNTIME_PACKAGES="… gosu …"`).
            if matches!(instr.keyword, Keyword::Arg | Keyword::Env)
                && instr.key_values().iter().any(|kv| {
                    kv.value.as_deref().is_some_and(|v| {
                        v.split_whitespace().any(|w| w == "gosu" || w == "su-exec")
                    })
                })
            {
                return Some("`gosu`/`su-exec`, installed for its entrypoint".to_string());
            }
        }
    }
    // The entrypoint script, read from the build context.
    let script = command
        .iter()
        .find(|w| is_entrypoint_script(w) && program(w) != "tini")?;
    let script_name = program(script);
    for stage in &lineage {
        for instr in &ast.instructions[stage.instructions.clone()] {
            if !matches!(instr.keyword, Keyword::Copy | Keyword::Add)
                || instr.flag("from").is_some()
            {
                continue;
            }
            let words = instr.words();
            let sources = &words[..words.len().saturating_sub(1)];
            for source in sources {
                if program(&source.value) != script_name && !source.value.ends_with('/') {
                    continue;
                }
                for context in &doc.contexts {
                    let path = shipshape_syntax::compose::join(&context.dir, &source.value);
                    let path = if source.value.ends_with('/') {
                        shipshape_syntax::compose::join(&path, &script_name)
                    } else {
                        path
                    };
                    let Some(text) = (doc.read)(&path) else {
                        continue;
                    };
                    if let Some(p) = PRIVILEGE_DROPPERS.iter().find(|p| {
                        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                            .any(|w| w == **p)
                    }) {
                        return Some(format!("`{p}` in its entrypoint script `{path}`"));
                    }
                    if su_to_a_user(&text) {
                        return Some(format!("`su <user> -c` in its entrypoint script `{path}`"));
                    }
                }
            }
        }
    }
    None
}

/// Which Windows base an image is built on, if it is a Windows image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Windows {
    /// Nano Server: its default user, `ContainerUser`, is not an administrator.
    NanoServer,
    /// Server Core and the full Windows images: `ContainerAdministrator` by default.
    ServerCore,
}

/// Whether the final image is a Windows image: by its base image's name or tag, or a `SHELL`
/// that runs PowerShell or `cmd`.
pub(crate) fn windows(ast: &Dockerfile, lineage: &[Stage]) -> Option<Windows> {
    let root = lineage.last()?;
    let base = ast
        .resolve_arg(&root.image.value, None)
        .to_ascii_lowercase();
    if base.contains("nanoserver") {
        return Some(Windows::NanoServer);
    }
    if is_windows_image(&base) {
        return Some(Windows::ServerCore);
    }
    let windows_shell = lineage.iter().any(|s| {
        ast.instructions[s.instructions.clone()].iter().any(|i| {
            i.keyword == Keyword::Shell
                && i.words().first().is_some_and(|w| {
                    matches!(program(&w.value).as_str(), "powershell" | "pwsh" | "cmd")
                })
        })
    });
    windows_shell.then_some(Windows::ServerCore)
}

/// Whether an image reference (lower-cased) names a Windows image: Nano Server, Server Core,
/// the `mcr.microsoft.com/windows` family or an LTSC tag.
pub(crate) fn is_windows_image(image: &str) -> bool {
    [
        "nanoserver",
        "servercore",
        "windows/server",
        "mcr.microsoft.com/windows",
        "ltsc20",
    ]
    .iter()
    .any(|w| image.contains(w))
}

/// Base images known to run as an unprivileged user unless told otherwise: `(pattern, user)`.
/// A pattern is `repository[:tag-part]`: the repository with its registry (`*` at the end for a
/// prefix, empty for any) and a part of the tag between `-`, `_` or `.` (`:nonroot`).
const NON_ROOT_IMAGES: &[(&str, &str)] = &[
    (":nonroot", "nonroot (65532)"),
    (":rootless", "rootless"),
    (":chiseled", "app (1654)"),
    ("mcr.microsoft.com/dotnet/*:distroless", "app (1654)"),
    ("cgr.dev/chainguard/*", "nonroot (65532)"),
    ("bitnami/*", "1001"),
    ("docker.io/bitnami/*", "1001"),
    ("docker.elastic.co/elasticsearch/*", "elasticsearch"),
    ("docker.elastic.co/kibana/*", "kibana"),
    ("docker.elastic.co/logstash/*", "logstash"),
    ("grafana/grafana*", "grafana (472)"),
    ("prom/*", "nobody"),
    ("quay.io/prometheus/*", "nobody"),
    ("jenkins/jenkins", "jenkins"),
    ("nginxinc/nginx-unprivileged", "nginx (101)"),
    ("otel/opentelemetry-collector*", "10001"),
];

/// The unprivileged user a base image is known to run as.
pub(crate) fn known_non_root(image: &str) -> Option<&'static str> {
    let image = image.to_ascii_lowercase();
    let name = image.split('@').next().unwrap_or(&image);
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match name[last_slash..].rfind(':') {
        Some(i) => (&name[..last_slash + i], &name[last_slash + i + 1..]),
        None => (name, ""),
    };
    let tag_parts: Vec<&str> = tag.split(['-', '_', '.']).collect();
    // Chainguard's `-dev` variants run as root.
    let dev = tag_parts.contains(&"dev");
    NON_ROOT_IMAGES.iter().find_map(|(pattern, user)| {
        let (repo_pattern, tag_part) = match pattern.split_once(':') {
            Some((r, t)) => (r, Some(t)),
            None => (*pattern, None),
        };
        let repo_hit = if repo_pattern.is_empty() {
            true
        } else {
            match repo_pattern.strip_suffix('*') {
                Some(prefix) => repository.starts_with(prefix),
                None => repository == repo_pattern,
            }
        };
        let tag_hit = tag_part.is_none_or(|t| tag_parts.contains(&t));
        (repo_hit && tag_hit && !dev).then_some(*user)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &[&str]) -> Vec<String> {
        s.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn shells_and_prompts_are_not_services() {
        assert!(is_interactive(&words(&["bash"])));
        assert!(is_interactive(&words(&["python3"])));
        assert!(is_interactive(&words(&[
            "docker-php-entrypoint",
            "php",
            "-a"
        ])));
        assert!(is_interactive(&words(&["docker-entrypoint.sh", "node"])));
        assert!(is_interactive(&words(&["python3.13"])));
        assert!(!is_interactive(&words(&["python3", "app.py"])));
        assert!(!is_interactive(&words(&[
            "docker-entrypoint.sh",
            "postgres"
        ])));
        assert!(!is_interactive(&words(&["node", "server.js"])));
        assert!(only_asks(&words(&["/usr/bin/dotnet", "--info"])));
        assert!(!only_asks(&words(&["dotnet", "app.dll"])));
    }

    #[test]
    fn one_shot_jobs_test_runners_and_idlers_are_not_services() {
        assert!(runs_once(&words(&["cp", "/pki/ca.pem", "/out/"])));
        assert!(runs_once(&words(&["cypress", "run"])));
        assert!(runs_once(&words(&["npx", "playwright", "test"])));
        assert!(runs_once(&words(&["python3", "-m", "pytest", "-q"])));
        assert!(!runs_once(&words(&["python3", "-m", "http.server"])));
        assert!(!runs_once(&words(&["/usr/bin/loki-canary"])));
        assert!(does_nothing(&words(&["/busybox/tail", "-f", "/dev/null"])));
        assert!(!does_nothing(&words(&["tail", "-f", "/var/log/app.log"])));
        assert!(runs_an_archive(&words(&["/app-release.apk"])));
        assert!(!runs_an_archive(&words(&["/app"])));
    }

    #[test]
    fn su_to_another_user_is_a_privilege_drop() {
        assert!(su_to_a_user("exec su app -c \"server\""));
        assert!(su_to_a_user("su - zulip -c '/srv/manage.py migrate'"));
        assert!(su_to_a_user("x=$(su -s /bin/sh www-data -c 'id -u')"));
        assert!(!su_to_a_user("su root -c 'id'"));
        assert!(!su_to_a_user("echo su is a command"));
        assert!(!su_to_a_user("su -c 'id'"));
    }

    #[test]
    fn known_unprivileged_bases() {
        assert!(known_non_root("gcr.io/distroless/static-debian12:nonroot").is_some());
        assert!(known_non_root("mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled").is_some());
        assert!(known_non_root("cgr.dev/chainguard/python:latest").is_some());
        assert!(known_non_root("cgr.dev/chainguard/python:latest-dev").is_none());
        assert!(known_non_root("bitnami/postgresql:16").is_some());
        assert!(known_non_root("docker.elastic.co/elasticsearch/elasticsearch:8.15.0").is_some());
        assert!(known_non_root("registry:5000/nonroot").is_none());
        assert!(known_non_root("node:22").is_none());
        assert!(known_non_root("grafana/grafana-oss:11.0.0").is_some());
        assert!(known_non_root(
            "mcr.microsoft.com/dotnet/runtime-deps:8.0-azurelinux3.0-distroless"
        )
        .is_some());
        assert!(known_non_root("mcr.microsoft.com/dotnet/runtime-deps:8.0-alpine").is_none());
        assert!(known_non_root("gcr.io/distroless/static-debian12").is_none());
    }
}
