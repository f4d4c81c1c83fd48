//! Human output of `shipshape init`: what was written and why, what was left alone and why,
//! warnings, and what to run next.

use std::io::Write;

use shipshape_gen::report::Status;
use shipshape_gen::write::{Action, FileOutcome};
use shipshape_gen::Plan;

pub(crate) struct Paint {
    color: bool,
}

impl Paint {
    pub(crate) fn detect() -> Paint {
        Paint {
            color: crate::color(),
        }
    }
    fn code(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn human(
    out: &mut impl Write,
    paint: &Paint,
    facts: &shipshape_detect::Facts,
    shown: &str,
    status: Status,
    outcomes: &[FileOutcome],
    plan: &Plan,
    steps: &[String],
) -> std::io::Result<()> {
    let services: Vec<String> = facts
        .services
        .iter()
        .map(|s| {
            let dir = if s.root == "." {
                "root".to_string()
            } else {
                format!("{}/", s.root)
            };
            format!("{} ({dir})", s.name)
        })
        .collect();
    writeln!(out, "{} {shown}", paint.code("1", "shipshape init"))?;
    if services.is_empty() {
        writeln!(
            out,
            "No deployable service found, so there is nothing to generate. `shipshape context \
             {shown}` shows what was detected."
        )?;
    } else {
        writeln!(out, "Services: {}", services.join(", "))?;
    }
    if !facts.backing_services.is_empty() {
        let backing: Vec<&str> = facts
            .backing_services
            .iter()
            .map(|b| b.id.as_str())
            .collect();
        writeln!(out, "Backing services: {}", backing.join(", "))?;
    }

    let group = |action: Action| outcomes.iter().filter(move |o| o.action == action);
    let sections: [(Action, &str, &str, &str); 6] = [
        (Action::Created, "Wrote", "+", "32"),
        (Action::Updated, "Replaced (--force)", "~", "33"),
        (Action::WouldCreate, "Would write", "+", "32"),
        (Action::WouldUpdate, "Would replace", "~", "33"),
        (Action::Skipped, "Left alone", "=", "33"),
        (Action::Unchanged, "Already up to date", "=", "2"),
    ];
    for (action, title, mark, color) in sections {
        let files: Vec<&FileOutcome> = group(action).collect();
        if files.is_empty() {
            continue;
        }
        writeln!(out, "\n{}:", paint.code("1", title))?;
        for o in files {
            if action == Action::Unchanged {
                writeln!(out, "  {} {}", paint.code(color, mark), o.path)?;
            } else {
                writeln!(
                    out,
                    "  {} {}",
                    paint.code(color, mark),
                    paint.code("1", &o.path)
                )?;
                writeln!(out, "      {}", o.reason)?;
            }
        }
    }
    if status == Status::DryRun {
        for o in outcomes {
            if let Some(diff) = &o.diff {
                writeln!(out)?;
                write!(out, "{diff}")?;
            }
        }
    }
    if !plan.warnings.is_empty() {
        writeln!(out, "\n{}:", paint.code("1", "Warnings"))?;
        for w in &plan.warnings {
            writeln!(out, "  {} {w}", paint.code("33", "!"))?;
        }
    }
    match status {
        Status::DryRun => writeln!(out, "\nDry run: nothing was written.")?,
        Status::NothingToDo if !outcomes.is_empty() => writeln!(
            out,
            "\nNothing to do: every file is already there (nothing was written)."
        )?,
        _ => {}
    }
    if !steps.is_empty() && !facts.services.is_empty() {
        writeln!(out, "\n{}:", paint.code("1", "Next"))?;
        for (i, s) in steps.iter().enumerate() {
            writeln!(out, "  {}. {s}", i + 1)?;
        }
    }
    Ok(())
}
