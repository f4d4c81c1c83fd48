//! Database backups with retention and a restore procedure: retention or backup resources in
//! Terraform, a scheduled dump or Velero schedule in Kubernetes, and a restore runbook or test.

use shipshape_core::Evidence;
use shipshape_detect::scan::is_test_path;

use crate::artifacts::{k8s_objects, terraform_texts};
use crate::input::{Input, RuleFindings};
use crate::item::{ItemDef, Outcome};

pub static ITEM: ItemDef = ItemDef {
    id: "backups",
    title: "Database backups with retention and a tested restore",
    impact: 3,
    effort: 2,
    fix: "Enable automated backups with a retention period (e.g. `backup_retention_period = 14`) and add a scheduled restore test or a restore runbook.",
    generator: None,
    rules: &[],
    facts: &[
        "backing_services",
        "terraform: backup_retention_period, backup resources",
        "kubernetes: CronJob dumps, Velero Schedule",
        "files: restore procedures",
    ],
    run,
};

const TERRAFORM_BACKUPS: &[&str] = &[
    "aws_backup_plan",
    "backup_configuration",
    "point_in_time_recovery",
    "azurerm_backup_policy",
];

fn run(input: &Input, _found: &RuleFindings) -> Outcome {
    let dbs = input.databases();
    let mut backup_ev = Vec::new();
    let mut no_backup_ev = Vec::new();
    for (path, text) in terraform_texts(input) {
        for (i, line) in text.lines().enumerate() {
            let l = line.trim();
            let ln = Some((i + 1) as u32);
            if let Some(v) = l.strip_prefix("backup_retention_period") {
                let days: Option<u32> = v.trim_start_matches([' ', '=']).trim().parse().ok();
                match days {
                    Some(0) => {
                        no_backup_ev.push(Evidence::new(&path, ln, "backup_retention_period = 0"))
                    }
                    Some(d) => {
                        backup_ev.push(Evidence::new(&path, ln, format!("backups kept {d} days")))
                    }
                    None => backup_ev.push(Evidence::new(&path, ln, "backup retention set")),
                }
            }
            for needle in TERRAFORM_BACKUPS {
                if l.contains(needle) {
                    backup_ev.push(Evidence::new(&path, ln, *needle));
                }
            }
        }
    }
    for obj in k8s_objects(input) {
        let t = obj.value.to_string();
        if obj.kind() == "CronJob"
            && (t.contains("pg_dump") || t.contains("mysqldump") || t.contains("mongodump"))
        {
            backup_ev.push(obj.evidence("kind: CronJob", "scheduled database dump"));
        }
        if obj.kind() == "Schedule" && t.contains("velero") {
            backup_ev.push(obj.evidence("kind: Schedule", "Velero backup schedule"));
        }
    }
    let restore_ev: Vec<Evidence> = input
        .inv
        .files()
        .iter()
        .filter(|f| {
            let p = f.path.to_ascii_lowercase();
            p.contains("restore") && !is_test_path(&p)
        })
        .map(|f| Evidence::file(&f.path, "restore procedure"))
        .collect();
    if dbs.is_empty() && backup_ev.is_empty() {
        return Outcome::not_applicable("no databases found");
    }
    if !no_backup_ev.is_empty() {
        return Outcome::fail("a database has backups turned off").with(no_backup_ev);
    }
    if backup_ev.is_empty() {
        return Outcome::fail(
            "databases are used but no backup configuration is in the repository",
        )
        .with(dbs.iter().flat_map(|d| d.evidence.iter().take(1)));
    }
    if restore_ev.is_empty() {
        return Outcome::partial("backups configured, but no restore procedure or restore test")
            .with(backup_ev);
    }
    backup_ev.extend(restore_ev);
    Outcome::pass("backups with retention and a restore procedure").with(backup_ev)
}
