//! A frontend, a backend and a database in one repository must come out as three things,
//! correctly linked: web → api (by the API URL it calls) and api → postgres (by its driver).

mod common;

use common::{assert_evidence_present, facts_of};
use shipshape_detect::{BackingKind, Framework, Language, PackageManager, ServiceRole};

const FIXTURE: &str = "monorepo-next-fastapi-postgres";

#[test]
fn next_fastapi_postgres_comes_out_as_three_linked_things() {
    let facts = facts_of(FIXTURE);
    insta::assert_yaml_snapshot!(FIXTURE, facts);
    assert_evidence_present(FIXTURE, &facts);

    let names: Vec<&str> = facts.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["acme-api", "web"]);
    let api = &facts.services[0];
    let web = &facts.services[1];

    assert_eq!(api.root, "api");
    assert_eq!(api.role, ServiceRole::Api);
    assert_eq!(api.language.value, Language::Python);
    assert_eq!(api.framework.as_ref().unwrap().value, Framework::Fastapi);
    assert_eq!(
        api.package_manager.as_ref().unwrap().value,
        PackageManager::Uv
    );
    assert_eq!(api.runtime_version.as_ref().unwrap().value, "3.12");
    assert_eq!(api.port.as_ref().unwrap().value, 8000);
    assert_eq!(api.health_path.as_ref().unwrap().value, "/healthz");
    assert!(api
        .start_command
        .as_ref()
        .unwrap()
        .value
        .starts_with("uvicorn app.main:app"));
    assert_eq!(
        api.env_vars
            .iter()
            .map(|v| v.value.as_str())
            .collect::<Vec<_>>(),
        ["DATABASE_URL"]
    );

    assert_eq!(web.root, "web");
    assert_eq!(web.role, ServiceRole::Web);
    assert_eq!(web.language.value, Language::Typescript);
    assert_eq!(web.framework.as_ref().unwrap().value, Framework::Nextjs);
    assert_eq!(
        web.package_manager.as_ref().unwrap().value,
        PackageManager::Pnpm
    );
    assert_eq!(web.port.as_ref().unwrap().value, 3000);
    assert_eq!(web.health_path.as_ref().unwrap().value, "/api/health");
    assert_eq!(web.build_command.as_ref().unwrap().value, "pnpm run build");
    assert!(!web
        .start_command
        .as_ref()
        .unwrap()
        .value
        .contains("next dev"));

    // The three things and their links.
    assert_eq!(facts.backing_services.len(), 1);
    let db = &facts.backing_services[0];
    assert_eq!(db.kind, BackingKind::Postgres);
    assert_eq!(db.used_by, ["acme-api"]);
    let deps = |s: &shipshape_detect::Service| -> Vec<String> {
        s.depends_on.iter().map(|d| d.value.clone()).collect()
    };
    assert_eq!(deps(api), ["postgres"]);
    assert_eq!(deps(web), ["acme-api"]);
    // The web → api link rests on the URL the frontend is configured with.
    let link = &web.depends_on[0].evidence[0];
    assert_eq!(link.path, "web/.env.example");
    assert_eq!(link.line, Some(2));
    assert!(facts.ambiguities.is_empty(), "{:?}", facts.ambiguities);
}
