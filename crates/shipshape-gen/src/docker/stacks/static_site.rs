//! Static HTML served by unprivileged nginx.

use super::*;

pub(super) fn static_site(service: &Service) -> Result<Generated, Skip> {
    let nginx = image("nginx")?;
    let user = image("nginx_user")?;
    let recipe = Recipe {
        service_dir: String::new(),
        build_env: Vec::new(),
        install: Vec::new(),
        build: Vec::new(),
        copies: Vec::new(),
        env: Vec::new(),
        start: vec![
            "nginx".to_string(),
            "-g".to_string(),
            "daemon off;".to_string(),
        ],
        port: Some(NGINX_PORT),
        health_path: Some("/".to_string()),
        tools: Vec::new(),
        runtime_version: String::new(),
    };
    let check = vec![
        "wget".to_string(),
        "-q".to_string(),
        "--spider".to_string(),
        health_url(NGINX_PORT, "/"),
    ];
    Ok(Generated {
        template: "static",
        model: json!({
            "run_image": nginx,
            "health": health_model(Some(check), "5s", ""),
            "title": "Static site served by nginx",
        }),
        recipe,
        context: root_of(service).to_string(),
        summary: format!("static files served by unprivileged nginx on port {NGINX_PORT}"),
        run_image: nginx,
        user,
        warnings: Vec::new(),
        version_note: None,
    })
}
