//! Human-readable rendering of context and assess reports: aligned, short, readable at a glance.
//! Colour as `--color` says: by default only on a terminal, and never when `NO_COLOR` is set.

use std::io::{self, Write};

use shipshape_assess::Status;
use shipshape_core::{Evidence, Located};
use shipshape_detect::Service;

use shipshape_cli::commands::assess::AssessReport;
use shipshape_cli::commands::context::ContextReport;

#[derive(Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// The style `--color` (or, by default, the terminal and `NO_COLOR`) asks for.
    pub fn detect() -> Style {
        Style {
            color: crate::color(),
        }
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.paint("33", s)
    }
    fn red(&self, s: &str) -> String {
        self.paint("31", s)
    }
}

fn value_name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn first_evidence(ev: &[Evidence]) -> String {
    match ev.first() {
        Some(e) => match e.line {
            Some(l) => format!("{}:{l}", e.path),
            None => e.path.clone(),
        },
        None => String::new(),
    }
}

fn located<T: serde::Serialize>(l: &Option<Located<T>>) -> Option<(String, String)> {
    l.as_ref()
        .map(|l| (value_name(&l.value), first_evidence(&l.evidence)))
}

fn list_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "none found".to_string()
    } else {
        v.join(", ")
    }
}

pub fn context(out: &mut impl Write, r: &ContextReport, st: Style) -> io::Result<()> {
    let f = &r.facts;
    let s = &r.summary;
    writeln!(
        out,
        "{} {}  {}",
        st.bold("shipshape context"),
        r.root,
        st.dim(&format!("({} files)", r.files_scanned))
    )?;
    writeln!(out)?;
    writeln!(out, "{}", st.bold("Repository"))?;
    let row = |out: &mut dyn Write, k: &str, v: String| writeln!(out, "  {k:<14}{v}");
    let pick = |one: &Option<String>, all: &[String]| match one {
        Some(v) if all.len() > 1 => format!(
            "{v}  (also: {})",
            all.iter()
                .filter(|a| *a != v)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(v) => v.clone(),
        None if all.len() > 1 => format!("{}  (several; see ambiguities)", all.join(", ")),
        None => list_or_none(all),
    };
    row(out, "cloud", pick(&s.cloud_provider, &s.cloud_providers))?;
    row(out, "orchestrator", pick(&s.orchestrator, &s.orchestrators))?;
    row(out, "ci", pick(&s.ci_provider, &s.ci_providers))?;
    row(out, "iac", list_or_none(&s.iac))?;
    let envs = if s.environments.is_empty() {
        "none found".to_string()
    } else {
        format!(
            "{}  ({})",
            s.environments.join(", "),
            s.environment_strategies.join(", ")
        )
    };
    row(out, "environments", envs)?;
    if let Some(m) = &f.monorepo {
        let tools: Vec<String> = m.tools.iter().map(|t| t.value.clone()).collect();
        row(out, "monorepo", list_or_none(&tools))?;
    }
    let obs = &f.observability;
    let obs_names = |v: &[Located<String>]| {
        let mut n: Vec<String> = v.iter().map(|x| x.value.clone()).collect();
        n.sort();
        n.dedup();
        list_or_none(&n)
    };
    row(out, "logging", obs_names(&obs.structured_logging))?;
    row(out, "metrics", obs_names(&obs.metrics))?;
    if !obs.tracing.is_empty() {
        row(out, "tracing", obs_names(&obs.tracing))?;
    }
    if !f.containers.dockerfiles.is_empty() || !f.containers.compose_files.is_empty() {
        let mut c: Vec<String> = f
            .containers
            .dockerfiles
            .iter()
            .map(|d| d.path.clone())
            .collect();
        c.extend(f.containers.compose_files.iter().cloned());
        row(out, "containers", c.join(", "))?;
    }
    writeln!(out)?;

    writeln!(
        out,
        "{}",
        st.bold(&format!("Services ({})", f.services.len()))
    )?;
    if f.services.is_empty() {
        writeln!(out, "  none found")?;
    }
    for svc in &f.services {
        service(out, svc, st)?;
    }
    if !f.backing_services.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", st.bold("Backing services"))?;
        for b in &f.backing_services {
            writeln!(
                out,
                "  {:<14}used by {}  {}",
                b.id,
                b.used_by.join(", "),
                st.dim(&first_evidence(&b.evidence))
            )?;
        }
    }
    if !f.ambiguities.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", st.bold(&st.yellow("Ambiguities")))?;
        for a in &f.ambiguities {
            let cands: Vec<String> = a
                .candidates
                .iter()
                .map(|c| format!("{} ({})", c.value, first_evidence(&c.evidence)))
                .collect();
            writeln!(
                out,
                "  {}: {}{}",
                a.subject,
                cands.join(" vs "),
                a.chosen
                    .as_ref()
                    .map(|c| format!(" — using {c}"))
                    .unwrap_or_default()
            )?;
            writeln!(out, "    {}", st.dim(&a.hint))?;
        }
    }
    notes_and_skipped(out, &f.notes, &f.skipped, st)?;
    Ok(())
}

fn service(out: &mut impl Write, s: &Service, st: Style) -> io::Result<()> {
    let mut stack = vec![value_name(&s.language.value)];
    if let Some(fw) = &s.framework {
        stack.push(value_name(&fw.value));
    }
    if let Some(pm) = &s.package_manager {
        stack.push(value_name(&pm.value));
    }
    if let Some(rv) = &s.runtime_version {
        stack.push(rv.value.clone());
    }
    writeln!(
        out,
        "  {}  {}  {}  {}",
        st.bold(&s.name),
        st.dim(&s.root),
        value_name(&s.role),
        stack.join(" · ")
    )?;
    let line = |out: &mut dyn Write, k: &str, v: Option<(String, String)>| -> io::Result<()> {
        if let Some((v, ev)) = v {
            writeln!(out, "      {k:<8}{v}  {}", st.dim(&ev))?;
        }
        Ok(())
    };
    line(out, "build", located(&s.build_command))?;
    line(out, "start", located(&s.start_command))?;
    line(out, "port", located(&s.port))?;
    line(out, "health", located(&s.health_path))?;
    if !s.depends_on.is_empty() {
        let d: Vec<String> = s.depends_on.iter().map(|d| d.value.clone()).collect();
        writeln!(out, "      {:<8}{}", "needs", d.join(", "))?;
    }
    if !s.env_vars.is_empty() {
        let names: Vec<&str> = s.env_vars.iter().map(|v| v.value.as_str()).collect();
        let shown = if names.len() > 8 {
            format!("{} … (+{} more)", names[..8].join(", "), names.len() - 8)
        } else {
            names.join(", ")
        };
        writeln!(out, "      {:<8}{}", "env", shown)?;
    }
    Ok(())
}

fn notes_and_skipped(
    out: &mut impl Write,
    notes: &[shipshape_detect::Note],
    skipped: &[shipshape_core::Skipped],
    st: Style,
) -> io::Result<()> {
    if !notes.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            st.bold(&st.yellow(&format!("Notes ({})", notes.len())))
        )?;
        for n in notes {
            let at = match n.line {
                Some(l) => format!("{}:{l}", n.path),
                None => n.path.clone(),
            };
            writeln!(out, "  {at}: {}", n.message)?;
        }
    }
    if !skipped.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", st.bold(&format!("Skipped ({})", skipped.len())))?;
        for s in skipped.iter().take(10) {
            writeln!(out, "  {}: {}", s.path, s.reason)?;
        }
        if skipped.len() > 10 {
            writeln!(
                out,
                "  … and {} more (see --format json)",
                skipped.len() - 10
            )?;
        }
    }
    Ok(())
}

fn status_mark(s: Status, st: Style) -> String {
    match s {
        Status::Pass => st.green("✓ pass   "),
        Status::Partial => st.yellow("~ partial"),
        Status::Fail => st.red("✗ fail   "),
        Status::NotApplicable => st.dim("- n/a    "),
        Status::NotYetChecked => st.dim("? not yet"),
    }
}

pub fn assess(out: &mut impl Write, r: &AssessReport, st: Style) -> io::Result<()> {
    let a = &r.assessment;
    writeln!(
        out,
        "{} {}  {}",
        st.bold("shipshape assess"),
        r.root,
        st.dim(&format!(
            "({} files, {} services)",
            r.files_scanned,
            r.summary.services.len()
        ))
    )?;
    writeln!(out)?;
    let score = format!("{}/100 (grade {})", a.score, a.grade);
    let painted = match a.score {
        75.. => st.green(&score),
        50..=74 => st.yellow(&score),
        _ => st.red(&score),
    };
    writeln!(
        out,
        "Score {}   {} pass · {} partial · {} fail · {} n/a · {} not yet checked",
        st.bold(&painted),
        a.counts.pass,
        a.counts.partial,
        a.counts.fail,
        a.counts.not_applicable,
        a.counts.not_yet_checked
    )?;
    let c = &r.checks;
    let history = if c.git_history {
        "working tree and git history scanned for secrets"
    } else {
        "git history not scanned (--history)"
    };
    writeln!(
        out,
        "{}",
        st.dim(&format!(
            "Read with {} rules over {} files: {} finding(s) (shipshape audit lists them); {history}",
            c.rules_run, c.files_audited, c.findings
        ))
    )?;
    writeln!(out)?;
    for item in &a.items {
        writeln!(
            out,
            "  {}  {:<52} {}",
            status_mark(item.status, st),
            item.title,
            st.dim(&item.summary)
        )?;
        if matches!(item.status, Status::Fail | Status::Partial) {
            for e in item.evidence.iter().take(3) {
                let at = match e.line {
                    Some(l) => format!("{}:{l}", e.path),
                    None => e.path.clone(),
                };
                let rule = e
                    .rule
                    .as_ref()
                    .map(|r| format!(" [{r}]"))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "               {}",
                    st.dim(&format!("{at} — {}{rule}", e.note))
                )?;
            }
            if item.evidence.len() > 3 {
                writeln!(
                    out,
                    "               {}",
                    st.dim(&format!(
                        "… {} more with --format json",
                        item.evidence.len() - 3
                    ))
                )?;
            }
        }
    }
    if !a.quick_wins.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            st.bold("Quick wins (most impact for least effort)")
        )?;
        for (i, id) in a.quick_wins.iter().enumerate() {
            if let Some(item) = a.items.iter().find(|it| it.id == *id) {
                writeln!(out, "  {}. {}", i + 1, st.bold(item.title))?;
                match (&item.fix_command, item.fix) {
                    (Some(command), _) => writeln!(out, "     run: {}", st.bold(command))?,
                    (None, Some(fix)) => writeln!(out, "     {fix}")?,
                    (None, None) => {}
                }
            }
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        st.dim("Details and evidence for every item: shipshape assess --format json")
    )?;
    Ok(())
}

/// `verify`: one block per backing service, job and service, failures with their log tail.
pub fn verify(
    out: &mut impl Write,
    report: &shipshape_cli::commands::verify::VerifyReport,
    style: Style,
) -> io::Result<()> {
    let mark = |ok: bool| {
        if ok {
            style.green("ok")
        } else {
            style.red("FAILED")
        }
    };
    writeln!(
        out,
        "{} {} with {}{}{}",
        style.bold("verify"),
        report.root,
        report.engine,
        report
            .compose_file
            .as_deref()
            .map(|c| format!(", services from {c}"))
            .unwrap_or_default(),
        report
            .env_file
            .as_deref()
            .map(|e| format!(", environment from {e}"))
            .unwrap_or_default(),
    )?;
    for b in &report.backing {
        writeln!(
            out,
            "\n{} {} ({})  {}",
            style.dim("backing"),
            style.bold(&b.service),
            b.image,
            mark(b.healthy)
        )?;
        if let Some(detail) = &b.detail {
            writeln!(out, "  {detail}")?;
        }
        for line in &b.log_tail {
            writeln!(out, "  {} {line}", style.dim("|"))?;
        }
    }
    for j in &report.jobs {
        writeln!(
            out,
            "\n{} {} ({})  {}",
            style.dim("job"),
            style.bold(&j.service),
            j.dockerfile,
            mark(j.passed)
        )?;
        if let Some(command) = &j.command {
            writeln!(out, "  command  {}", command.join(" "))?;
        }
        writeln!(
            out,
            "  build    {} in {}s",
            mark(j.build_ok),
            j.build_seconds
        )?;
        if let Some(o) = &j.outcome {
            writeln!(
                out,
                "  run      exit {} after {}s{}",
                o.exit_code
                    .map_or_else(|| "none (timed out)".to_string(), |c| c.to_string()),
                o.seconds,
                o.uid.map(|u| format!(", UID {u}")).unwrap_or_default()
            )?;
        }
        if let Some(e) = &j.error {
            writeln!(out, "  {} {e}", style.red("error"))?;
        }
        for line in &j.log_tail {
            writeln!(out, "  {} {line}", style.dim("|"))?;
        }
    }
    for s in &report.services {
        writeln!(
            out,
            "\n{} {} ({})  {}",
            style.dim("service"),
            style.bold(&s.service),
            s.dockerfile,
            mark(s.passed)
        )?;
        if let Some(c) = &s.check {
            let size = c
                .image_size_bytes
                .map(|b| format!(", {:.1} MB", b as f64 / 1e6))
                .unwrap_or_default();
            writeln!(
                out,
                "  build    {} in {}s{size}",
                mark(c.build_ok),
                c.build_seconds
            )?;
            if c.build_ok {
                let uid = match c.uid {
                    Some(0) => style.red("UID 0 (root)"),
                    Some(u) => format!("UID {u}"),
                    None => "UID unknown".into(),
                };
                writeln!(
                    out,
                    "  user     {} ({uid})",
                    c.image_user.as_deref().unwrap_or("root: no USER")
                )?;
                writeln!(out, "  start    {}", mark(c.start_ok))?;
                if let Some(h) = &c.health {
                    let probe = match &h.probe {
                        shipshape_gen::engine::HealthProbe::Http { port, path } => {
                            format!("GET :{port}{path}")
                        }
                        shipshape_gen::engine::HealthProbe::Tcp { port } => {
                            format!("port {port} open")
                        }
                        shipshape_gen::engine::HealthProbe::Command { .. } => {
                            "HEALTHCHECK command".into()
                        }
                        shipshape_gen::engine::HealthProbe::StaysUp => "stays up".into(),
                    };
                    let status = h.http_status.map(|s| format!(" → {s}")).unwrap_or_default();
                    writeln!(
                        out,
                        "  health   {} {probe}{status} after {}s{}",
                        mark(h.ok),
                        h.seconds,
                        c.healthcheck_exit
                            .map(|e| format!("; image HEALTHCHECK exit {e}"))
                            .unwrap_or_default()
                    )?;
                }
            }
            if let Some(e) = &s.error {
                writeln!(out, "  {} {e}", style.red("error"))?;
            }
            for line in &c.log_tail {
                writeln!(out, "  {} {line}", style.dim("|"))?;
            }
        } else if let Some(e) = &s.error {
            writeln!(out, "  {} {e}", style.red("error"))?;
        }
    }
    for note in &report.notes {
        writeln!(out, "\n{} {note}", style.yellow("note"))?;
    }
    writeln!(
        out,
        "\n{} passed, {} failed in {:.0}s",
        report.passed, report.failed, report.seconds
    )?;
    Ok(())
}
