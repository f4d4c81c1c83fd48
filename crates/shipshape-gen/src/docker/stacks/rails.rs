//! Ruby on Rails.

use super::*;

pub(super) fn rails(service: &Service, inv: &Inventory, today: Day) -> Result<Generated, Skip> {
    let img = images("ruby", service, today)?;
    let root = root_of(service);
    let mut warnings = Vec::new();
    eol_warning(&img, &mut warnings);
    let version_note = default_version_note("Ruby", &img, &mut warnings);
    let gemfile = inv.text_of(&join(root, "Gemfile")).unwrap_or_default();
    let lock = inv.text_of(&join(root, "Gemfile.lock")).unwrap_or_default();
    let uses = |gem: &str| {
        gemfile.contains(&format!("\"{gem}\""))
            || gemfile.contains(&format!("'{gem}'"))
            || lock.contains(&format!("\n    {gem} ("))
    };
    // Shared libraries native gems link against, present in the full build image but not in
    // the slim one.
    let mut runtime_packages = Vec::new();
    if uses("pg") {
        runtime_packages.push("libpq5");
    }
    if uses("mysql2") {
        runtime_packages.push("libmariadb3");
    }
    if uses("ruby-vips") || uses("image_processing") {
        runtime_packages.push("libvips42");
    }
    let mut manifests = vec!["Gemfile".to_string()];
    for f in ["Gemfile.lock", ".ruby-version"] {
        if has(inv, root, f) {
            manifests.push(f.to_string());
        }
    }
    let build = detected(&service.build_command)
        .map(|b| format!("SECRET_KEY_BASE_DUMMY=1 {b}"))
        .into_iter()
        .collect::<Vec<_>>();
    let port = port_of(service, 3000, &mut warnings);
    // Rails 7.1+ routes `get "up" => "rails/health#show"`; older apps have no such route.
    let rails_health = inv
        .text_of(&join(root, "config/routes.rb"))
        .map(|t| shipshape_detect::scan::without_comments("routes.rb", &t).into_owned())
        .is_some_and(|t| t.contains("rails/health#show"));
    let health_path = if detected(&service.health_path).is_none() && rails_health {
        Some("/up".to_string())
    } else {
        health_route(service, port, &mut warnings)
    };
    let start = detected(&service.start_command)
        .map(words)
        .filter(|w| !w.is_empty())
        .unwrap_or_else(|| {
            ["bundle", "exec", "puma", "-C", "config/puma.rb"]
                .map(str::to_string)
                .to_vec()
        });
    let bundle_env = [
        ("RAILS_ENV", "production".to_string()),
        ("BUNDLE_DEPLOYMENT", "1".to_string()),
        ("BUNDLE_PATH", "/usr/local/bundle".to_string()),
        ("BUNDLE_WITHOUT", "development:test".to_string()),
    ];
    let mut run_env = bundle_env.to_vec();
    run_env.push(("RAILS_LOG_TO_STDOUT", "1".to_string()));
    run_env.push(("RAILS_SERVE_STATIC_FILES", "1".to_string()));
    if let Some(p) = port {
        run_env.push(("PORT", p.to_string()));
        run_env.push(("BINDING", "0.0.0.0".to_string()));
    }
    let check = port.map(|p| match &health_path {
        Some(path) => vec![
            "ruby".to_string(),
            "-rnet/http".to_string(),
            "-e".to_string(),
            format!(
                "exit Net::HTTP.get_response(URI('{}')).is_a?(Net::HTTPSuccess)",
                health_url(p, path)
            ),
        ],
        None => vec![
            "ruby".to_string(),
            "-rsocket".to_string(),
            "-e".to_string(),
            format!("TCPSocket.new('127.0.0.1', {p}).close"),
        ],
    });
    let recipe = Recipe {
        service_dir: String::new(),
        build_env: env(&bundle_env),
        install: vec!["bundle install".to_string()],
        build,
        copies: Vec::new(),
        env: env(&run_env),
        start,
        port,
        health_path: port.and(health_path),
        tools: Vec::new(),
        runtime_version: img.version.clone(),
    };
    Ok(Generated {
        template: "rails",
        model: json!({
            "build_image": img.build,
            "run_image": img.run,
            "manifests": manifests,
            "runtime_packages": runtime_packages,
            "health": health_model(check, "30s", "a worker without an HTTP port"),
            "title": format!("{} (Rails)", runtime_label("Ruby", &img)),
        }),
        recipe,
        context: root.to_string(),
        summary: "Rails with gems built in the full Ruby image and assets precompiled".to_string(),
        run_image: img.run,
        user: APP_USER.to_string(),
        warnings,
        version_note,
    })
}
