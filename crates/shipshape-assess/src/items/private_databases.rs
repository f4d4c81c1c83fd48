//! Databases on private networks: decided by the compose rule on published database ports and,
//! until a Terraform domain lands, by the Terraform settings that make a managed database
//! public (`publicly_accessible`, Cloud SQL's `ipv4_enabled`).

use shipshape_core::{ArtifactKind, Evidence};

use crate::artifacts::{evidence_at, terraform_texts};
use crate::input::{Input, RuleFindings, PARSE_ERROR};
use crate::item::{ItemDef, ItemEvidence, Outcome};

/// The compose rule that flags database ports published on every interface.
const PUBLIC_DATABASE_PORT: &str = "SS-COMPOSE-010";

pub static ITEM: ItemDef = ItemDef {
    id: "private-databases",
    title: "Databases on private networks",
    impact: 3,
    effort: 2,
    fix: "Keep databases off the public internet: `publicly_accessible = false`, no 0.0.0.0/0 ingress on database ports, local ports bound to 127.0.0.1.",
    generator: None,
    rules: &[PUBLIC_DATABASE_PORT, PARSE_ERROR],
    facts: &[
        "backing_services",
        "containers.compose_files",
        "terraform: publicly_accessible, ipv4_enabled, aws_db_instance",
    ],
    run,
};

fn run(input: &Input, found: &RuleFindings) -> Outcome {
    let mut public: Vec<ItemEvidence> = found.problems().map(ItemEvidence::from).collect();
    let mut private: Vec<ItemEvidence> = Vec::new();
    for (path, text) in terraform_texts(input) {
        for (i, line) in text.lines().enumerate() {
            let l = line.trim().replace(' ', "");
            let ln = Some((i + 1) as u32);
            if l.starts_with("publicly_accessible=true") {
                public.push(Evidence::new(&path, ln, "database publicly accessible").into());
            }
            if l.starts_with("publicly_accessible=false") {
                private.push(Evidence::new(&path, ln, "publicly_accessible = false").into());
            }
            if l.starts_with("ipv4_enabled=true") {
                public.push(Evidence::new(&path, ln, "Cloud SQL public IP enabled").into());
            }
        }
        if text.contains("resource \"aws_db_instance\"") && !text.contains("publicly_accessible") {
            private.push(
                evidence_at(
                    &path,
                    &text,
                    "resource \"aws_db_instance\"",
                    "RDS instance, private by default",
                )
                .into(),
            );
        }
    }
    if !public.is_empty() {
        return Outcome::fail(format!(
            "{} database endpoint(s) reachable beyond the private network",
            public.len()
        ))
        .with(public);
    }
    let databases = input.databases();
    if databases.is_empty() && private.is_empty() {
        return Outcome::not_applicable("no databases found");
    }
    let unparsed = found.unparsed(input, ArtifactKind::Compose);
    if !databases.is_empty() {
        // The services' databases run from compose locally: the rule read every compose file
        // that parsed and found no database port on all interfaces.
        for path in &input.facts.containers.compose_files {
            if unparsed.iter().all(|e| e.path != *path) {
                private.push(ItemEvidence {
                    path: path.clone(),
                    line: None,
                    note: "no database port published on all interfaces".to_string(),
                    rule: Some(PUBLIC_DATABASE_PORT.to_string()),
                });
            }
        }
    }
    if !unparsed.is_empty() {
        return Outcome::partial(format!(
            "no public database found, but {} compose file(s) could not be parsed",
            unparsed.len()
        ))
        .with(unparsed)
        .with(private);
    }
    if !private.is_empty() {
        return Outcome::pass("databases defined in the repository are private").with(private);
    }
    Outcome::not_yet_checked(
        "databases are used, but their network exposure is defined outside the files read so far",
    )
}

#[cfg(test)]
mod tests {
    use crate::items::testing::{assessed, Repo};

    const API: (&str, &str) = (
        "requirements.txt",
        "fastapi==0.115.0\nuvicorn==0.30.0\npsycopg[binary]==3.2.1\n",
    );

    #[test]
    fn a_database_port_on_all_interfaces_fails_with_the_compose_finding() {
        let repo = Repo::new().file(API.0, API.1).file(
            "compose.yaml",
            "services:\n  db:\n    image: postgres:16\n    ports:\n      - \"5432:5432\"\n",
        );
        let item = assessed(&repo, "private-databases");
        assert_eq!(item.status.label(), "fail", "{item:?}");
        let e = &item.evidence[0];
        assert_eq!((e.path.as_str(), e.line), ("compose.yaml", Some(5)));
        assert_eq!(e.rule.as_deref(), Some("SS-COMPOSE-010"));
    }

    #[test]
    fn a_compose_database_without_published_ports_is_private() {
        let repo = Repo::new().file(API.0, API.1).file(
            "compose.yaml",
            "services:\n  db:\n    image: postgres:16\n    expose: [\"5432\"]\n",
        );
        let item = assessed(&repo, "private-databases");
        assert_eq!(item.status.label(), "pass", "{item:?}");
        assert_eq!(item.evidence[0].rule.as_deref(), Some("SS-COMPOSE-010"));
    }

    #[test]
    fn a_public_rds_instance_fails() {
        let repo = Repo::new().file(API.0, API.1).file(
            "infra/main.tf",
            "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n  publicly_accessible = true\n}\n",
        );
        let item = assessed(&repo, "private-databases");
        assert_eq!(item.status.label(), "fail", "{item:?}");
        assert_eq!(item.evidence[0].line, Some(3));
    }
}
