//! What the rules about `RUN` commands share: every `RUN` (and `ONBUILD RUN`) with its commands
//! seen through wrappers such as `sudo` and `env`, the scripts a `RUN` is made of, subcommands and
//! operands of package managers, `--mount=type=cache` targets, and which stages end up in the
//! final image.

use shipshape_syntax::dockerfile::{Args, Dockerfile, Instruction, Keyword};
use shipshape_syntax::shell::{Command, Separator, Word};
use shipshape_syntax::Span;

use crate::rule::{Diagnostic, DockerfileDoc};

/// One `RUN` instruction and the commands it executes.
pub(crate) struct Run<'a> {
    /// Index in [`Dockerfile::instructions`] (of the `ONBUILD` for `ONBUILD RUN`).
    pub index: usize,
    /// Position among the file's runs ([`runs`]).
    pub position: usize,
    pub instruction: &'a Instruction,
    /// Whether this is the `RUN` of an `ONBUILD`: it runs in images built from this one.
    pub onbuild: bool,
    /// The commands of the shell form, of script heredocs and of exec form, in source order,
    /// each seen through wrappers (`sudo -E apt-get` is named `apt-get`).
    pub commands: &'a [Command],
    /// The same commands as written, wrappers and `NAME=value` prefixes included.
    pub raw: &'a [Command],
}

impl Run<'_> {
    /// The command as written of one of [`Run::commands`] (both share their span).
    pub fn raw_of(&self, cmd: &Command) -> Option<&Command> {
        self.raw.iter().find(|r| r.span == cmd.span)
    }

    /// The commands split into the scripts the shell runs one after the other: the shell-form
    /// text first, then each heredoc body. State such as the current directory or `set -o
    /// pipefail` carries over inside a script, not from one script to the next.
    pub fn scripts(&self) -> Vec<Vec<&Command>> {
        let bodies: Vec<Span> = self
            .instruction
            .heredocs
            .iter()
            .map(|h| h.body_span)
            .collect();
        let mut scripts: Vec<Vec<&Command>> = vec![Vec::new(); bodies.len() + 1];
        for c in self.commands {
            let slot = bodies
                .iter()
                .position(|b| b.start <= c.span.start && c.span.end <= b.end)
                .map_or(0, |i| i + 1);
            if let Some(s) = scripts.get_mut(slot) {
                s.push(c);
            }
        }
        scripts.retain(|s| !s.is_empty());
        scripts
    }

    /// Whether this instruction has a `--mount=type=cache` or `type=tmpfs` whose target is one of
    /// `dirs` or a parent of one: the files written there never reach the layer.
    pub fn mounts_cache_over(&self, dirs: &[&str]) -> bool {
        cache_mount_targets(self.instruction)
            .iter()
            .any(|t| dirs.iter().any(|d| covers(t, d)))
    }
}

/// The `RUN`s of a Dockerfile (`ONBUILD RUN` included), worked out once per file and shared by
/// every rule, with where each program runs: most rules are about one program (`apt-get`,
/// `pip`, `wget`) and visit only its commands instead of asking every command its name.
pub(crate) struct RunIndex<'a> {
    runs: Vec<Run<'a>>,
    /// `(order key, program, run, command)` for every command of [`Run::commands`] that has a
    /// name ([`program`]): positions in `runs` and in the run's commands, sorted by program,
    /// then by position (source order). The key ([`order_key`]) sorts as the program does.
    by_program: Vec<(u64, &'a str, u32, u32)>,
}

/// The first eight bytes of a program name as a big-endian number, zero-padded. Two names whose
/// keys differ compare as their keys do (the first differing byte decides both, and a name that
/// ends there is the smaller), so the binary searches over [`RunIndex::by_program`] compare
/// numbers and read the names only on a tie: comparing the names byte by byte was most of the
/// calls to memcmp in an audit.
fn order_key(name: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = name.len().min(8);
    bytes[..n].copy_from_slice(&name.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

impl<'a> RunIndex<'a> {
    pub(crate) fn new(ast: &'a Dockerfile) -> RunIndex<'a> {
        let mut runs = Vec::new();
        for (index, instr) in ast.instructions.iter().enumerate() {
            let (instruction, onbuild) = match (&instr.keyword, &instr.onbuild) {
                (Keyword::Run, _) => (instr, false),
                (Keyword::Onbuild, Some(inner)) if inner.keyword == Keyword::Run => {
                    (inner.as_ref(), true)
                }
                _ => continue,
            };
            // Split once per instruction and shared by every rule of this group.
            let raw = instruction.run_commands_ref();
            let commands = instruction.run_commands_wrapped();
            runs.push(Run {
                index,
                position: runs.len(),
                instruction,
                onbuild,
                commands,
                raw,
            });
        }
        let mut by_program = Vec::new();
        for (r, run) in runs.iter().enumerate() {
            for (c, cmd) in run.commands.iter().enumerate() {
                if let Some(p) = program(cmd) {
                    by_program.push((order_key(p), p, r as u32, c as u32));
                }
            }
        }
        // Every entry differs in its position: sorted by program, then in source order.
        by_program.sort_unstable();
        RunIndex { runs, by_program }
    }

    /// The entries of one program.
    fn entries(&self, name: &str) -> &[(u64, &'a str, u32, u32)] {
        let key = order_key(name);
        let from = self
            .by_program
            .partition_point(|e| (e.0, e.1) < (key, name));
        let rest = &self.by_program[from..];
        &rest[..rest.partition_point(|e| e.0 == key && e.1 == name)]
    }

    /// The runs and commands at these positions.
    fn commands(&self, at: Vec<(u32, u32)>) -> Vec<(&Run<'a>, &'a Command)> {
        at.into_iter()
            .filter_map(|(r, c)| {
                let run = self.runs.get(r as usize)?;
                Some((run, run.commands.get(c as usize)?))
            })
            .collect()
    }
}

/// Every `RUN` of the Dockerfile, `ONBUILD RUN` included, in order.
pub(crate) fn runs<'d, 'a>(doc: &'d DockerfileDoc<'a>) -> &'d [Run<'a>] {
    &doc.run_index().runs
}

/// The commands of every `RUN` (seen through wrappers) that run one of `names`, each with its
/// `RUN`, in source order: what `runs(doc)` and their [`Run::commands`] give when those for
/// which [`runs_program`] says no are left out.
pub(crate) fn commands_running<'d, 'a>(
    doc: &'d DockerfileDoc<'a>,
    names: &[&str],
) -> Vec<(&'d Run<'a>, &'a Command)> {
    let index = doc.run_index();
    let mut at: Vec<(u32, u32)> = Vec::new();
    for (k, name) in names.iter().enumerate() {
        // A name listed twice is visited once, as the filter would.
        if names[..k].contains(name) {
            continue;
        }
        at.extend(index.entries(name).iter().map(|&(_, _, r, c)| (r, c)));
    }
    if names.len() > 1 {
        at.sort_unstable();
    }
    index.commands(at)
}

/// The commands whose program name starts with one of `prefixes` (`pip` for `pip3.12`), each
/// with its `RUN`, in source order.
pub(crate) fn commands_running_prefixed<'d, 'a>(
    doc: &'d DockerfileDoc<'a>,
    prefixes: &[&str],
) -> Vec<(&'d Run<'a>, &'a Command)> {
    let index = doc.run_index();
    let mut at: Vec<(u32, u32)> = Vec::new();
    for prefix in prefixes {
        let from = index.by_program.partition_point(|e| e.1 < *prefix);
        at.extend(
            index.by_program[from..]
                .iter()
                .take_while(|e| e.1.starts_with(prefix))
                .map(|&(_, _, r, c)| (r, c)),
        );
    }
    at.sort_unstable();
    // Prefixes may overlap (`py`, `python`).
    at.dedup();
    index.commands(at)
}

/// The `RUN`s of these commands, in order, each once.
pub(crate) fn runs_of<'d, 'a>(commands: &[(&'d Run<'a>, &'a Command)]) -> Vec<&'d Run<'a>> {
    let mut out: Vec<&Run> = Vec::new();
    for (run, _) in commands {
        if out.last().is_none_or(|last| last.position != run.position) {
            out.push(run);
        }
    }
    out
}

/// The `RUN`s with a command that runs one of `names`, in order: the only ones a rule about
/// those programs needs to look at.
pub(crate) fn runs_running<'d, 'a>(doc: &'d DockerfileDoc<'a>, names: &[&str]) -> Vec<&'d Run<'a>> {
    runs_of(&commands_running(doc, names))
}

/// Whether a command of `run` runs one of `names` (as [`runs_program`] tells).
pub(crate) fn run_runs_any(doc: &DockerfileDoc, run: &Run, names: &[&str]) -> bool {
    let index = doc.run_index();
    names.iter().any(|name| {
        let entries = index.entries(name);
        // In source order: the run's entries, if any, start where the earlier runs' end.
        let from = entries.partition_point(|e| (e.2 as usize) < run.position);
        entries
            .get(from)
            .is_some_and(|e| e.2 as usize == run.position)
    })
}

/// The program name without its directory: `/usr/bin/apt-get` → `apt-get`.
pub(crate) fn program(cmd: &Command) -> Option<&str> {
    cmd.name().map(shipshape_syntax::shell::base_name)
}

/// Whether the command runs one of `names` (compared without directory).
pub(crate) fn runs_program(cmd: &Command, names: &[&str]) -> bool {
    program(cmd).is_some_and(|p| names.contains(&p))
}

/// Whether `word` is an option (`-y`, `--yes`), not an operand. A lone `-` is an operand.
pub(crate) fn is_option(word: &str) -> bool {
    word.starts_with('-') && word != "-"
}

/// The first operand of `cmd` (its subcommand, for package managers), skipping options and the
/// values of the options in `value_options` (written as `-t` or `--target-release`; the
/// `--opt=value` form needs no listing). Returns its position in `cmd.args()` and the word.
pub(crate) fn subcommand<'c>(
    cmd: &'c Command,
    value_options: &[&str],
) -> Option<(usize, &'c Word)> {
    let args = cmd.args();
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let v = w.value.as_str();
        if !is_option(v) {
            return Some((i, w));
        }
        if v == "--" {
            // Everything after `--` is an operand.
            return args.get(i + 1).map(|w| (i + 1, w));
        } else if value_options.contains(&v) {
            i += 1;
        }
        i += 1;
    }
    None
}

/// The operands of `args[from..]`: words that are not options nor values of `value_options`,
/// plus everything after `--`. Each comes with its position in `args`.
pub(crate) fn operands_from<'c>(
    args: &'c [Word],
    from: usize,
    value_options: &[&str],
) -> Vec<(usize, &'c Word)> {
    let mut out = Vec::new();
    let mut i = from;
    let mut rest_are_operands = false;
    while let Some(w) = args.get(i) {
        let v = w.value.as_str();
        if rest_are_operands || !is_option(v) {
            out.push((i, w));
        } else if v == "--" {
            rest_are_operands = true;
        } else if value_options.contains(&v) {
            // `-t bookworm-backports`: the next word is the option's value.
            i += 1;
        }
        i += 1;
    }
    out
}

/// The subcommand name of a package manager invocation, if it is one of `names`.
pub(crate) fn subcommand_is<'c>(
    cmd: &'c Command,
    value_options: &[&str],
    names: &[&str],
) -> Option<(usize, &'c Word)> {
    subcommand(cmd, value_options).filter(|(_, w)| names.contains(&w.value.as_str()))
}

/// Whether an option appears among `args` (exactly, or as `--long=value`), before any `--`.
pub(crate) fn has_option(args: &[Word], names: &[&str]) -> bool {
    for w in args {
        let v = w.value.as_str();
        if v == "--" {
            break;
        }
        let bare = v.split('=').next().unwrap_or(v);
        if names.contains(&v) || (v.starts_with("--") && names.contains(&bare)) {
            return true;
        }
    }
    false
}

/// Whether a short option letter appears in a cluster of short options (`-qy` has `y`), before
/// any `--`. Long options and option values are not looked at.
pub(crate) fn has_short(args: &[Word], letter: char) -> bool {
    for w in args {
        let v = w.value.as_str();
        if v == "--" {
            break;
        }
        if let Some(cluster) = v.strip_prefix('-') {
            if !cluster.starts_with('-') && cluster.split('=').next().unwrap_or("").contains(letter)
            {
                return true;
            }
        }
    }
    false
}

/// Whether a word holds a shell expansion whose value cannot be known here (`$PKGS`,
/// `$(cat list)`): rules do not guess about such words.
pub(crate) fn is_dynamic(word: &str) -> bool {
    word.contains('$') || word.contains('`')
}

/// Whether `rm` (with any options) deletes one of `dirs`, its contents (`dir/*`) or a parent.
pub(crate) fn removes_under(cmd: &Command, dirs: &[&str]) -> bool {
    runs_program(cmd, &["rm"])
        && cmd.operands().iter().any(|w| {
            dirs.iter()
                .any(|d| covers(w.value.trim_end_matches(['*', '/']), d))
        })
}

/// The targets of `--mount=type=cache` and `--mount=type=tmpfs` flags.
pub(crate) fn cache_mount_targets(instr: &Instruction) -> Vec<String> {
    let mut out = Vec::new();
    for flag in instr.flags_named("mount") {
        let Some(value) = &flag.value else { continue };
        let mut kind = "bind";
        let mut target = None;
        for field in value.split(',') {
            let (key, val) = field.split_once('=').unwrap_or((field, ""));
            match key.trim() {
                "type" => kind = val.trim(),
                "target" | "dst" | "destination" => {
                    target = Some(val.trim().trim_matches('"').to_string())
                }
                _ => {}
            }
        }
        if matches!(kind, "cache" | "tmpfs") {
            out.extend(target);
        }
    }
    out
}

/// Whether a mount at `target` holds `dir` (is `dir` or one of its parents).
fn covers(target: &str, dir: &str) -> bool {
    let t = target.trim_end_matches('/');
    let d = dir.trim_end_matches('/');
    !t.is_empty() && (d == t || d.strip_prefix(t).is_some_and(|rest| rest.starts_with('/')))
}

/// For each stage (by index), whether its filesystem ends up in the image the Dockerfile
/// builds by default: the last stage, and every stage it is built `FROM`, transitively. A stage
/// only copied from (`COPY --from=`) does not ship its layers.
pub(crate) fn stages_in_final_image(ast: &Dockerfile) -> Vec<bool> {
    ast.model().stages_in_final_image().to_vec()
}

/// Whether what a `RUN` leaves in its layer reaches the final image. `ONBUILD RUN` runs in
/// images built from this one, so it always counts; so does anything before the first `FROM`.
pub(crate) fn ships(doc: &DockerfileDoc, shipped: &[bool], run: &Run) -> bool {
    if run.onbuild {
        return true;
    }
    match doc.ast.stage_of(run.index) {
        Some(stage) => shipped.get(stage).copied().unwrap_or(true),
        None => true,
    }
}

/// The index of the first `RUN` that mentions every one of `needles` (case-insensitive), if any:
/// used to notice package-manager settings written to a configuration file
/// (`echo 'APT::Get::Assume-Yes "true";' > /etc/apt/apt.conf.d/90yes`), which hold for every
/// later `RUN`. Computed once per rule and file, so a file of thousands of `RUN`s stays linear.
pub(crate) fn first_run_mentioning(doc: &DockerfileDoc, needles: &[&str]) -> Option<usize> {
    doc.ast.instructions.iter().position(|i| {
        i.keyword == Keyword::Run && {
            let text = i.span.text(doc.source);
            needles.iter().all(|n| contains_ignoring_case(text, n))
        }
    })
}

/// Whether `needle` occurs in `text`, ASCII letters compared without case: what lowering both
/// and searching gives, without a lowered copy of every `RUN` for every rule that asks.
fn contains_ignoring_case(text: &str, needle: &str) -> bool {
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return true;
    };
    let fits = |&i: &usize| {
        text.get(i..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    };
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    memchr::memchr2_iter(lower, upper, text).any(|i| fits(&i))
}

/// Whether a command of `script` before position `pos` (byte offset) satisfies `pred`.
pub(crate) fn before(commands: &[&Command], pos: usize, pred: impl Fn(&Command) -> bool) -> bool {
    commands.iter().any(|c| c.span.start < pos && pred(c))
}

/// The span of the pipe operator after `cmd` (whose separator is a pipe), found in the source
/// between `cmd` and the next command; the command name as a fallback.
pub(crate) fn pipe_span(source: &str, cmd: &Command, next: Option<&Command>) -> Span {
    let end = next.map_or(source.len(), |n| n.span.start);
    let gap = source.get(cmd.span.end..end).unwrap_or("");
    match gap.find('|') {
        Some(i) => {
            let start = cmd.span.end + i;
            let len = if gap[i..].starts_with("|&") { 2 } else { 1 };
            Span::new(start, start + len)
        }
        None => cmd.name_word().map_or(cmd.span, |w| w.span),
    }
}

/// Whether the command pipes into the next one.
pub(crate) fn pipes(cmd: &Command) -> bool {
    cmd.separator == Separator::Pipe
}

/// 1-based line of a byte offset, for messages that point at another place in the file.
pub(crate) fn line_of(source: &str, offset: usize) -> usize {
    shipshape_core::text::line_of_offset(source, offset) as usize
}

/// Whether the instruction's arguments are a JSON array (exec form).
pub(crate) fn is_exec(instr: &Instruction) -> bool {
    matches!(instr.args, Args::Exec(_))
}

/// apt-get options that take a value in the next word.
pub(crate) const APT_VALUE_OPTIONS: &[&str] = &[
    "-t",
    "--target-release",
    "--default-release",
    "-o",
    "--option",
    "-c",
    "--config-file",
];

/// Whether the command is `apt-get` with one of the subcommands `subs`; returns the subcommand.
pub(crate) fn apt_get<'c>(cmd: &'c Command, subs: &[&str]) -> Option<(usize, &'c Word)> {
    if !runs_program(cmd, &["apt-get"]) {
        return None;
    }
    subcommand_is(cmd, APT_VALUE_OPTIONS, subs)
}

/// A `pip install` however it is spelled: `pip`, `pip3.12`, `python3 -m pip`, `uv pip`.
pub(crate) struct PipInstall<'c> {
    /// The `pip` word (the program, or the word after `-m`).
    pub pip: &'c Word,
    /// The words after `install`.
    pub args: &'c [Word],
}

/// pip options (before or after `install`) that take a value in the next word.
pub(crate) const PIP_VALUE_OPTIONS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--src",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--no-binary",
    "--only-binary",
    "--progress-bar",
    "--proxy",
    "--trusted-host",
    "--upgrade-strategy",
    "--cache-dir",
    "--log",
    "--timeout",
    "--retries",
    "--cert",
    "--client-cert",
    "--exists-action",
    "--config-settings",
    "-C",
    "--global-option",
    "--report",
    "--python",
    "--python-executable",
];

/// The beginnings of the program names [`pip_install`] knows (`pip3.12`, `python3`, `uv`).
pub(crate) const PIP_PROGRAMS: &[&str] = &["pip", "python", "uv"];

/// Recognises `pip install …` in its usual spellings.
pub(crate) fn pip_install(cmd: &Command) -> Option<PipInstall<'_>> {
    let name = program(cmd)?;
    let args = cmd.args();
    let (pip, after) = if is_versioned(name, "pip") {
        (cmd.name_word()?, args)
    } else if is_versioned(name, "python") {
        // `python3 -m pip …`: options of the interpreter may come first.
        let m = args.iter().position(|w| w.value == "-m")?;
        let pip = args.get(m + 1).filter(|w| w.value == "pip")?;
        (pip, args.get(m + 2..)?)
    } else if name == "uv" {
        let pip = args.first().filter(|w| w.value == "pip")?;
        (pip, args.get(1..)?)
    } else {
        return None;
    };
    let (i, sub) = operands_from(after, 0, PIP_VALUE_OPTIONS)
        .into_iter()
        .next()?;
    if sub.value != "install" {
        return None;
    }
    Some(PipInstall {
        pip,
        args: after.get(i + 1..).unwrap_or(&[]),
    })
}

/// `pip`, `pip3`, `pip3.12`, `python3.11`: a program name followed only by a version.
fn is_versioned(name: &str, base: &str) -> bool {
    name.strip_prefix(base)
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Whether an RPM package argument names a version: `httpd-2.4.57`, `nginx-1:1.20.1-1.el9`, a
/// local or remote `.rpm`. Every part after the first `-` must look like a version, and one
/// must start with a digit, so `python3-pip` is not taken for a pinned package.
pub(crate) fn rpm_is_pinned(package: &str) -> bool {
    if package.ends_with(".rpm") {
        return true;
    }
    let mut parts = package.split('-');
    parts.next();
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && rest.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c))
        })
        && rest
            .iter()
            .any(|p| p.starts_with(|c: char| c.is_ascii_digit()))
}

/// yum/dnf options that take a value in the next word.
pub(crate) const RPM_VALUE_OPTIONS: &[&str] = &[
    "-c",
    "--config",
    "-d",
    "--debuglevel",
    "-e",
    "--errorlevel",
    "-R",
    "--randomwait",
    "-x",
    "--exclude",
    "--installroot",
    "--releasever",
    "--setopt",
    "--enablerepo",
    "--disablerepo",
    "--repo",
    "--repoid",
    "--repofrompath",
    "--forcearch",
    "--destdir",
    "--downloaddir",
    "--nodocs-path",
];

/// Whether an argument of `dnf`/`yum install` is a package spec to check for a version: not a
/// group (`@core`), not a path or URL, not an expansion.
pub(crate) fn is_rpm_package_word(word: &str) -> bool {
    !word.starts_with('@') && !is_dynamic(word) && !word.contains('/') && !word.contains('*')
}

/// yum/dnf subcommands that ask for confirmation; `group` and `module` only with one of
/// [`RPM_PROMPTING_GROUP`] after them.
const RPM_PROMPTING: &[&str] = &[
    "install",
    "in",
    "groupinstall",
    "localinstall",
    "reinstall",
    "remove",
    "rm",
    "erase",
    "update",
    "upgrade",
    "up",
    "downgrade",
    "autoremove",
    "swap",
    "distro-sync",
    "groupremove",
    "groupupdate",
];
const RPM_PROMPTING_GROUP: &[&str] = &[
    "install",
    "remove",
    "upgrade",
    "update",
    "enable",
    "disable",
    "reset",
    "switch-to",
];

/// The subcommand of a yum/dnf command that can stop at a confirmation prompt (`install`,
/// `module enable`).
pub(crate) fn rpm_prompting_subcommand(cmd: &Command, programs: &[&str]) -> Option<String> {
    if !runs_program(cmd, programs) {
        return None;
    }
    let ops = operands_from(cmd.args(), 0, RPM_VALUE_OPTIONS);
    let (_, sub) = ops.first()?;
    if RPM_PROMPTING.contains(&sub.value.as_str()) {
        return Some(sub.value.clone());
    }
    let (_, action) = ops.get(1)?;
    let grouped = matches!(sub.value.as_str(), "group" | "module")
        && RPM_PROMPTING_GROUP.contains(&action.value.as_str());
    grouped.then(|| format!("{} {}", sub.value, action.value))
}

/// Whether a yum/dnf command answers its prompts itself: `-y`, `--assumeyes`, or
/// `--setopt=assumeyes=1`.
pub(crate) fn rpm_assumes_yes(cmd: &Command) -> bool {
    let args = cmd.args();
    has_short(args, 'y')
        || has_option(args, &["--assumeyes"])
        || args.iter().any(|w| {
            let v = w.value.to_ascii_lowercase();
            v.contains("assumeyes=1") || v.contains("assumeyes=true") || v.contains("assumeyes=yes")
        })
}

/// The package arguments of a yum/dnf `install` (`module install` included): returns them and
/// whether they are module specs (`nodejs:20`).
pub(crate) fn rpm_install_packages<'c>(
    cmd: &'c Command,
    programs: &[&str],
) -> Option<(Vec<&'c Word>, bool)> {
    if !runs_program(cmd, programs) {
        return None;
    }
    let args = cmd.args();
    let ops = operands_from(args, 0, RPM_VALUE_OPTIONS);
    let (first, sub) = ops.first()?;
    let (modules, start) = match sub.value.as_str() {
        "install" | "in" => (false, first + 1),
        "module" => {
            let (i, action) = ops.get(1)?;
            if action.value != "install" {
                return None;
            }
            (true, i + 1)
        }
        _ => return None,
    };
    let packages = operands_from(args, start, RPM_VALUE_OPTIONS)
        .into_iter()
        .map(|(_, w)| w)
        .filter(|w| is_rpm_package_word(&w.value))
        .collect();
    Some((packages, modules))
}

/// The last command satisfying `is_install` when no command satisfying `is_cleanup` comes after
/// it (the cache it filled stays in the layer).
pub(crate) fn install_without_cleanup(
    commands: &[Command],
    is_install: impl Fn(&Command) -> bool,
    is_cleanup: impl Fn(&Command) -> bool,
) -> Option<&Command> {
    let last = commands.iter().rev().find(|c| is_install(c))?;
    let cleaned = commands
        .iter()
        .any(|c| c.span.start > last.span.start && is_cleanup(c));
    (!cleaned).then_some(last)
}

/// Whether the command is `<one of programs> clean all`.
pub(crate) fn rpm_clean_all(cmd: &Command, programs: &[&str]) -> bool {
    runs_program(cmd, programs) && {
        let ops = operands_from(cmd.args(), 0, RPM_VALUE_OPTIONS);
        ops.first().is_some_and(|(_, w)| w.value == "clean")
            && ops.iter().any(|(_, w)| w.value == "all")
    }
}

/// Reports the unpinned packages (or modules without a stream) of one install.
pub(crate) fn report_unpinned_rpms(packages: &[&Word], modules: bool, out: &mut Vec<Diagnostic>) {
    for pkg in packages {
        let v = pkg.value.as_str();
        if modules && !v.contains(':') {
            out.push(Diagnostic::new(
                pkg.span,
                format!("module `{v}` has no stream: pin it as `{v}:<stream>`"),
            ));
        } else if !modules && !rpm_is_pinned(v) {
            out.push(Diagnostic::new(
                pkg.span,
                format!("`{v}` has no version: pin it as `{v}-<version>`"),
            ));
        }
    }
}

/// zypper options (global or of a command) that take a value in the next word.
pub(crate) const ZYPPER_VALUE_OPTIONS: &[&str] = &[
    "-R",
    "--root",
    "-c",
    "--config",
    "-D",
    "--reposd-dir",
    "-C",
    "--cache-dir",
    "--raw-cache-dir",
    "--solv-cache-dir",
    "--pkg-cache-dir",
    "--userdata",
    "-t",
    "--type",
    "-r",
    "--repo",
    "--from",
];

/// The subcommand of a `zypper` command, if it is one of `subs`.
pub(crate) fn zypper<'c>(cmd: &'c Command, subs: &[&str]) -> Option<(usize, &'c Word)> {
    if !runs_program(cmd, &["zypper"]) {
        return None;
    }
    subcommand_is(cmd, ZYPPER_VALUE_OPTIONS, subs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipshape_syntax::shell;

    fn first(script: &str) -> Command {
        shell::split(script, 0).remove(0).wrapped()
    }

    #[test]
    fn subcommand_skips_options_and_their_values() {
        let c = first("apt-get -o Dpkg::Options::=--force-confold -y install curl");
        assert_eq!(
            apt_get(&c, &["install"]).map(|(_, w)| w.value.as_str()),
            Some("install")
        );
        let c = first("apt-get -t bookworm-backports install curl");
        let (i, _) = apt_get(&c, &["install"]).expect("install");
        let ops = operands_from(c.args(), i + 1, APT_VALUE_OPTIONS);
        assert_eq!(
            ops.iter()
                .map(|(_, w)| w.value.as_str())
                .collect::<Vec<_>>(),
            ["curl"]
        );
    }

    #[test]
    fn looks_through_sudo_and_env() {
        let c = first("sudo -E env DEBIAN_FRONTEND=noninteractive apt-get install -y curl");
        assert!(apt_get(&c, &["install"]).is_some());
    }

    #[test]
    fn recognises_pip_spellings() {
        for s in [
            "pip install x",
            "pip3.12 install x",
            "python3 -m pip install x",
            "uv pip install x",
            "/usr/local/bin/pip install x",
        ] {
            assert!(pip_install(&first(s)).is_some(), "{s}");
        }
        for s in [
            "pip download x",
            "pipx install x",
            "python3 -m venv /v",
            "pipenv install",
        ] {
            assert!(pip_install(&first(s)).is_none(), "{s}");
        }
    }

    #[test]
    fn rpm_versions_need_a_numeric_part() {
        assert!(rpm_is_pinned("httpd-2.4.57"));
        assert!(rpm_is_pinned("nginx-1:1.20.1-1.el9"));
        assert!(rpm_is_pinned("./local.rpm"));
        assert!(!rpm_is_pinned("python3-pip"));
        assert!(!rpm_is_pinned("curl"));
        assert!(!rpm_is_pinned("glibc-langpack-en"));
    }

    #[test]
    fn cache_mount_covers_children_only() {
        assert!(covers("/var/lib/apt", "/var/lib/apt/lists"));
        assert!(covers("/var/lib/apt/lists/", "/var/lib/apt/lists"));
        assert!(!covers("/var/lib/ap", "/var/lib/apt/lists"));
        assert!(!covers("/var/cache/apt", "/var/lib/apt/lists"));
    }

    #[test]
    fn short_options_are_found_in_clusters() {
        let c = first("apt-get -qy install curl");
        assert!(has_short(c.args(), 'y'));
        assert!(!has_short(c.args(), 'n'));
        assert!(has_option(
            first("pip install --no-cache-dir=1 x").args(),
            &["--no-cache-dir"]
        ));
    }

    #[test]
    fn case_blind_search_finds_what_lowering_both_finds() {
        for (text, needle) in [
            (
                "echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90yes",
                "apt::get::assume-yes",
            ),
            ("RUN echo assumeyes=1 >> /etc/YUM.conf", "/etc/yum"),
            ("a", ""),
            ("", "a"),
            ("ab", "abc"),
            ("ÄPT::x apt::X", "APT::x"),
            ("xx--//", "-/"),
        ] {
            assert_eq!(
                contains_ignoring_case(text, needle),
                text.to_ascii_lowercase()
                    .contains(&needle.to_ascii_lowercase()),
                "{text:?} {needle:?}"
            );
        }
    }

    proptest::proptest! {
        /// Order keys never contradict the order of the names they come from.
        #[test]
        fn order_keys_sort_as_the_names_do(a in "[a-e\\x00./-]{0,10}", b in "[a-e\\x00./-]{0,10}") {
            let (ka, kb) = (order_key(&a), order_key(&b));
            proptest::prop_assert!(ka == kb || ka.cmp(&kb) == a.cmp(&b), "{:?} {:?}", a, b);
        }
    }

    /// The index of a file's `RUN`s by program gives what the plain walk over every command of
    /// every `RUN` gives, for any Dockerfile and any set of program names.
    mod run_index {
        use super::*;
        use proptest::prelude::*;

        const WORDS: &[&str] = &[
            "apt-get",
            "apt",
            "/usr/bin/apt-get",
            "pip",
            "pip3.12",
            "python3",
            "uv",
            "sudo",
            "env",
            "X=1",
            "-y",
            "install",
            "cd",
            "/tmp",
            "wget",
            "curl",
            "yum",
            "ln",
            "rm",
            "$(curl x)",
            "\"a b\"",
            // Names that share their first eight bytes (the index's order key) or end inside
            // them.
            "update-ca-certificates",
            "update-alternatives",
            "update-c",
            "update",
        ];
        const SEPARATORS: &[&str] = &[" ", " ", " ", " && ", " | ", "; ", " \\\n  ", "\n"];
        const NAMES: &[&str] = &[
            "apt-get",
            "apt",
            "pip",
            "python",
            "uv",
            "cd",
            "wget",
            "curl",
            "yum",
            "ln",
            "rm",
            "env",
            "sudo",
            "X=1",
            "nothing",
            "update-ca-certificates",
            "update-alternatives",
            "update-c",
            "update",
        ];

        fn instruction() -> impl Strategy<Value = String> {
            let script = prop::collection::vec((0..WORDS.len(), 0..SEPARATORS.len()), 0..14)
                .prop_map(|parts| {
                    parts
                        .into_iter()
                        .map(|(w, s)| format!("{}{}", WORDS[w], SEPARATORS[s]))
                        .collect::<String>()
                });
            (0..5usize, script).prop_map(|(kind, script)| {
                let script = script.replace('\n', " ");
                match kind {
                    0 => format!("ONBUILD RUN {script}"),
                    1 => format!("RUN [\"sh\", \"-c\", \"{}\"]", script.replace('"', "")),
                    2 => "COPY . /app".to_string(),
                    _ => format!("RUN {script}"),
                }
            })
        }

        fn dockerfile() -> impl Strategy<Value = String> {
            prop::collection::vec(instruction(), 0..8)
                .prop_map(|lines| format!("FROM debian\n{}\n", lines.join("\n")))
        }

        fn names() -> impl Strategy<Value = Vec<&'static str>> {
            prop::collection::vec(prop::sample::select(NAMES), 0..4)
        }

        /// `(run position, command span)` of each command, to compare positions, not values.
        fn at(commands: &[(&Run, &Command)]) -> Vec<(usize, Span)> {
            commands.iter().map(|(r, c)| (r.position, c.span)).collect()
        }

        proptest! {
            #[test]
            fn agrees_with_every_command_asked_its_name(src in dockerfile(), names in names()) {
                let ast = shipshape_syntax::dockerfile::parse(&src);
                let doc = DockerfileDoc::alone("Dockerfile", &src, &ast, None);
                let all = runs(&doc);
                let walked: Vec<(&Run, &Command)> = all
                    .iter()
                    .flat_map(|r| r.commands.iter().map(move |c| (r, c)))
                    .filter(|(_, c)| runs_program(c, &names))
                    .collect();
                prop_assert_eq!(at(&commands_running(&doc, &names)), at(&walked));

                let walked_runs: Vec<usize> = all
                    .iter()
                    .filter(|r| r.commands.iter().any(|c| runs_program(c, &names)))
                    .map(|r| r.position)
                    .collect();
                let indexed_runs: Vec<usize> =
                    runs_running(&doc, &names).iter().map(|r| r.position).collect();
                prop_assert_eq!(&indexed_runs, &walked_runs);
                for r in all {
                    prop_assert_eq!(
                        run_runs_any(&doc, r, &names),
                        walked_runs.contains(&r.position)
                    );
                }

                let prefixed: Vec<(&Run, &Command)> = all
                    .iter()
                    .flat_map(|r| r.commands.iter().map(move |c| (r, c)))
                    .filter(|(_, c)| program(c).is_some_and(|p| names.iter().any(|n| p.starts_with(n))))
                    .collect();
                prop_assert_eq!(at(&commands_running_prefixed(&doc, &names)), at(&prefixed));
            }
        }

        #[test]
        fn the_runs_are_every_run_and_onbuild_run_in_order() {
            let src = "FROM a\nRUN apt-get update\nCOPY . .\nONBUILD RUN pip install x\nRUN cd /x && apt-get install y\n";
            let ast = shipshape_syntax::dockerfile::parse(src);
            let doc = DockerfileDoc::alone("Dockerfile", src, &ast, None);
            let found: Vec<(usize, usize, bool)> = runs(&doc)
                .iter()
                .map(|r| (r.index, r.position, r.onbuild))
                .collect();
            assert_eq!(found, [(1, 0, false), (3, 1, true), (4, 2, false)]);
            let apt: Vec<(usize, &str)> = commands_running(&doc, &["apt-get", "cd"])
                .into_iter()
                .map(|(r, c)| (r.index, c.name().unwrap_or("")))
                .collect();
            assert_eq!(apt, [(1, "apt-get"), (4, "cd"), (4, "apt-get")]);
        }
    }
}
