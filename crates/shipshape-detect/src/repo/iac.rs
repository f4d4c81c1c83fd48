//! Which infrastructure-as-code tools the repository uses: Terraform or OpenTofu, Terragrunt,
//! Pulumi, AWS CDK, Ansible and Bicep (CloudFormation, SAM and Serverless Framework are found
//! with their cloud in `cloud.rs`). Tools that only target one cloud name it too.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_core::{Evidence, FileEntry};

use super::deps::{Dep, Eco};
use super::terraform::TfFile;
use super::{find_line, is_comment, Infra};
use crate::ctx::{json_key_line, Ctx};
use crate::model::{CloudProvider as C, CloudProvider, IacTool};

/// IaC SDKs declared as dependencies: (ecosystem, name — `*` ends a prefix, tool, the cloud
/// the package provisions).
const IAC_LIBRARIES: &[(Eco, &str, IacTool, Option<CloudProvider>)] = &[
    (Eco::Node, "aws-cdk-lib", IacTool::AwsCdk, Some(C::Aws)),
    (Eco::Python, "aws-cdk-lib", IacTool::AwsCdk, Some(C::Aws)),
    (Eco::Jvm, "aws-cdk-lib", IacTool::AwsCdk, Some(C::Aws)),
    (
        Eco::Go,
        "github.com/aws/aws-cdk-go/awscdk*",
        IacTool::AwsCdk,
        Some(C::Aws),
    ),
    (Eco::Dotnet, "amazon.cdk.lib", IacTool::AwsCdk, Some(C::Aws)),
    (Eco::Node, "@pulumi/pulumi", IacTool::Pulumi, None),
    (Eco::Node, "@pulumi/aws", IacTool::Pulumi, Some(C::Aws)),
    (Eco::Node, "@pulumi/awsx", IacTool::Pulumi, Some(C::Aws)),
    (Eco::Node, "@pulumi/gcp", IacTool::Pulumi, Some(C::Gcp)),
    (
        Eco::Node,
        "@pulumi/azure-native",
        IacTool::Pulumi,
        Some(C::Azure),
    ),
    (
        Eco::Node,
        "@pulumi/digitalocean",
        IacTool::Pulumi,
        Some(C::Digitalocean),
    ),
    (
        Eco::Node,
        "@pulumi/cloudflare",
        IacTool::Pulumi,
        Some(C::Cloudflare),
    ),
    (Eco::Python, "pulumi", IacTool::Pulumi, None),
    (Eco::Python, "pulumi-aws", IacTool::Pulumi, Some(C::Aws)),
    (Eco::Python, "pulumi-gcp", IacTool::Pulumi, Some(C::Gcp)),
    (
        Eco::Python,
        "pulumi-azure-native",
        IacTool::Pulumi,
        Some(C::Azure),
    ),
    (
        Eco::Go,
        "github.com/pulumi/pulumi/sdk*",
        IacTool::Pulumi,
        None,
    ),
    (
        Eco::Go,
        "github.com/pulumi/pulumi-aws/*",
        IacTool::Pulumi,
        Some(C::Aws),
    ),
    (
        Eco::Go,
        "github.com/pulumi/pulumi-gcp/*",
        IacTool::Pulumi,
        Some(C::Gcp),
    ),
    (
        Eco::Go,
        "github.com/pulumi/pulumi-azure-native*",
        IacTool::Pulumi,
        Some(C::Azure),
    ),
    (Eco::Dotnet, "pulumi", IacTool::Pulumi, None),
    (Eco::Dotnet, "pulumi.aws", IacTool::Pulumi, Some(C::Aws)),
];

/// Pulumi stack config keys are `<provider>:<setting>`; the provider names the cloud.
const PULUMI_CONFIG_PROVIDERS: &[(&str, CloudProvider)] = &[
    ("aws", C::Aws),
    ("gcp", C::Gcp),
    ("azure-native", C::Azure),
    ("azure", C::Azure),
    ("digitalocean", C::Digitalocean),
    ("cloudflare", C::Cloudflare),
    ("hcloud", C::Hetzner),
    ("linode", C::Linode),
];

static PULUMI_KEY_RX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*([a-z][a-z-]*):[A-Za-z][\w-]*\s*:").expect("built-in pattern")
});
static TOFU_CI_RX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"opentofu/setup-opentofu|\btofu\s+(?:init|plan|apply|validate|fmt|workspace)\b")
        .expect("built-in pattern")
});
static PLAY_HOSTS_RX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^(?:- |  )hosts:\s*\S").expect("built-in pattern"));
static PLAY_TASKS_RX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^(?:- |  )(?:tasks|roles|pre_tasks|import_playbook):")
        .expect("built-in pattern")
});

pub(crate) fn detect(
    ctx: &Ctx,
    files: &[&FileEntry],
    tf: &[TfFile],
    deps: &[Dep],
    infra: &mut Infra,
) {
    terraform(ctx, files, tf, infra);
    for f in files {
        let name = f.name();
        match name {
            "terragrunt.hcl" | "terragrunt.hcl.json" => {
                infra.iac.add(
                    IacTool::Terragrunt,
                    Evidence::file(&f.path, format!("{} (Terragrunt config)", f.path)),
                );
            }
            "Pulumi.yaml" | "Pulumi.yml" => {
                let line = ctx
                    .inv
                    .text(f)
                    .and_then(|t| find_line(&t, |l| l.starts_with("runtime:")));
                infra.iac.add(
                    IacTool::Pulumi,
                    Evidence::new(&f.path, line, format!("{} (Pulumi project)", f.path)),
                );
                pulumi_config(ctx, f, infra);
            }
            _ if name.starts_with("Pulumi.")
                && (name.ends_with(".yaml") || name.ends_with(".yml")) =>
            {
                pulumi_config(ctx, f, infra);
            }
            "cdk.json" => {
                let line = ctx.inv.text(f).and_then(|t| json_key_line(&t, "app"));
                let ev = Evidence::new(&f.path, line, format!("{} > app (AWS CDK)", f.path));
                infra.iac.add(IacTool::AwsCdk, ev.clone());
                infra.cloud.add(C::Aws, ev);
            }
            "ansible.cfg" => {
                infra.iac.add(
                    IacTool::Ansible,
                    Evidence::file(&f.path, format!("{} (Ansible config)", f.path)),
                );
            }
            _ if name.ends_with(".bicep") => {
                let ev = Evidence::file(&f.path, format!("{} (Bicep template)", f.path));
                infra.iac.add(IacTool::Bicep, ev.clone());
                // Bicep deploys to Azure Resource Manager only.
                infra.cloud.add(C::Azure, ev);
            }
            _ if f.kind == shipshape_core::ArtifactKind::Yaml => ansible_playbook(ctx, f, infra),
            _ => {}
        }
    }
    for d in deps {
        for (eco, pattern, tool, cloud) in IAC_LIBRARIES {
            if d.eco == *eco && super::deps::name_matches(pattern, &d.name) {
                infra.iac.add(*tool, d.evidence());
                if let Some(c) = cloud {
                    infra.cloud.add(*c, d.evidence());
                }
            }
        }
    }
}

/// `.tf` files mean Terraform — unless the repository says OpenTofu runs them (`.tofu` files,
/// an `.opentofu-version` pin, a lock file from the OpenTofu registry, `tofu` in CI). The code is
/// the same language either way; the value names the tool that runs it. (`.terraform-version`
/// is tfenv's pin for Terraform itself.)
fn terraform(ctx: &Ctx, files: &[&FileEntry], tf: &[TfFile], infra: &mut Infra) {
    let mut tofu: Vec<Evidence> = Vec::new();
    let mut code: Vec<Evidence> = Vec::new();
    for f in files {
        let name = f.name();
        if f.kind == shipshape_core::ArtifactKind::Terraform {
            if name.ends_with(".tofu") {
                tofu.push(Evidence::file(
                    &f.path,
                    format!("{} (OpenTofu file)", f.path),
                ));
                continue;
            }
            let block = tf
                .iter()
                .find(|t| t.path == f.path)
                .and_then(|t| t.blocks.iter().find(|b| b.kind == "terraform"));
            code.push(match block {
                Some(b) => Evidence::new(&f.path, Some(b.line), format!("{} > terraform", f.path)),
                None => Evidence::file(&f.path, format!("{} (Terraform file)", f.path)),
            });
        } else if name == ".terraform-version" {
            code.push(Evidence::file(
                &f.path,
                format!("{} (Terraform version pin)", f.path),
            ));
        } else if name == ".opentofu-version" {
            tofu.push(Evidence::file(
                &f.path,
                format!("{} (OpenTofu version pin)", f.path),
            ));
        } else if name == ".terraform.lock.hcl" {
            if let Some(line) = ctx
                .inv
                .text(f)
                .and_then(|t| find_line(&t, |l| l.contains("registry.opentofu.org")))
            {
                tofu.push(Evidence::new(
                    &f.path,
                    Some(line),
                    format!("{} > provider from registry.opentofu.org", f.path),
                ));
            }
        } else if super::ci::system_of(f).is_some() {
            if let Some(text) = ctx.inv.text(f) {
                if let Some(line) = find_line(&text, |l| !is_comment(l) && TOFU_CI_RX.is_match(l)) {
                    tofu.push(Evidence::new(
                        &f.path,
                        Some(line),
                        format!("{} > tofu in CI", f.path),
                    ));
                }
            }
        }
    }
    // Files with a `terraform {}` block are the clearest evidence; list them first.
    code.sort_by_key(|e| e.line.is_none());
    let tool = if tofu.is_empty() {
        IacTool::Terraform
    } else {
        IacTool::Opentofu
    };
    if tofu.is_empty()
        && !code
            .iter()
            .any(|e| e.path.ends_with(".tf") || e.path.ends_with(".tf.json"))
    {
        // A version pin with no Terraform code is not a Terraform setup.
        return;
    }
    for ev in tofu.into_iter().chain(code) {
        infra.iac.add(tool, ev);
    }
}

fn pulumi_config(ctx: &Ctx, f: &FileEntry, infra: &mut Infra) {
    let Some(text) = ctx.inv.text(f) else { return };
    for (i, line) in text.lines().enumerate() {
        let Some(p) = PULUMI_KEY_RX.captures(line).and_then(|c| c.get(1)) else {
            continue;
        };
        if let Some((_, c)) = PULUMI_CONFIG_PROVIDERS
            .iter()
            .find(|(n, _)| *n == p.as_str())
        {
            let key = line
                .trim()
                .split(": ")
                .next()
                .unwrap_or("")
                .trim_end_matches(':');
            let note = format!("{} > config {key}", f.path);
            infra
                .cloud
                .add(*c, Evidence::new(&f.path, u32::try_from(i + 1).ok(), note));
        }
    }
}

/// A playbook is a YAML list of plays, each with `hosts:` and tasks or roles. Role task files
/// (`roles/<role>/tasks/main.yml`) count as well.
fn ansible_playbook(ctx: &Ctx, f: &FileEntry, infra: &mut Infra) {
    let segments: Vec<&str> = f.path.split('/').collect();
    if let Some(i) = segments.iter().position(|s| *s == "roles") {
        if segments.get(i + 2) == Some(&"tasks") {
            infra.iac.add(
                IacTool::Ansible,
                Evidence::file(&f.path, format!("{} (Ansible role tasks)", f.path)),
            );
            return;
        }
    }
    let Some(text) = ctx.inv.text(f) else { return };
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty() && !is_comment(l) && l.trim() != "---");
    if !first.is_some_and(|l| l.starts_with("- ")) {
        return;
    }
    if let (Some(hosts), true) = (PLAY_HOSTS_RX.find(&text), PLAY_TASKS_RX.is_match(&text)) {
        let ev = Evidence::at_offset(
            &f.path,
            &text,
            hosts.start(),
            format!("{} > hosts (Ansible playbook)", f.path),
        );
        infra.iac.add(IacTool::Ansible, ev);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{CloudProvider as C, IacTool as I};
    use crate::repo::testing::facts;

    fn iac(files: &[(&str, &str)]) -> Vec<I> {
        facts(files).iac.into_iter().map(|l| l.value).collect()
    }

    #[test]
    fn tf_files_mean_terraform_with_the_terraform_block_first() {
        let f = facts(&[
            ("infra/a.tf", "resource \"x\" \"y\" {}\n"),
            (
                "infra/versions.tf",
                "\nterraform {\n  required_version = \">= 1.5\"\n}\n",
            ),
        ]);
        assert_eq!(f.iac[0].value, I::Terraform);
        assert_eq!(f.iac[0].evidence[0].path, "infra/versions.tf");
        assert_eq!(f.iac[0].evidence[0].line, Some(2));
    }

    #[test]
    fn opentofu_signals_turn_terraform_into_opentofu() {
        assert_eq!(
            iac(&[
                ("main.tf", "provider \"aws\" {}\n"),
                (".opentofu-version", "1.8.0\n")
            ]),
            [I::Opentofu]
        );
        assert_eq!(
            iac(&[("main.tofu", "provider \"aws\" {}\n")]),
            [I::Opentofu]
        );
        let wf = "jobs:\n  plan:\n    steps:\n      - uses: opentofu/setup-opentofu@v1\n      - run: tofu plan\n";
        let f = facts(&[
            ("main.tf", "provider \"aws\" {}\n"),
            (".github/workflows/tf.yml", wf),
        ]);
        assert_eq!(f.iac[0].value, I::Opentofu);
        assert_eq!(f.iac[0].evidence[0].line, Some(4));
        assert_eq!(
            iac(&[("main.tf", "x = 1\n"), (".terraform-version", "1.9.0\n")]),
            [I::Terraform]
        );
    }

    #[test]
    fn terragrunt_pulumi_cdk_ansible_and_bicep_are_recognised() {
        assert_eq!(
            iac(&[("live/prod/terragrunt.hcl", "include {}\n")]),
            [I::Terragrunt]
        );
        assert_eq!(
            iac(&[("Pulumi.yaml", "name: x\nruntime: nodejs\n")]),
            [I::Pulumi]
        );
        assert_eq!(
            iac(&[("cdk.json", "{\"app\": \"npx ts-node bin/app.ts\"}")]),
            [I::AwsCdk]
        );
        assert_eq!(iac(&[("ansible.cfg", "[defaults]\n")]), [I::Ansible]);
        assert_eq!(
            iac(&[("main.bicep", "param location string\n")]),
            [I::Bicep]
        );
        let play =
            "---\n- name: web\n  hosts: webservers\n  tasks:\n    - name: ping\n      ping:\n";
        let f = facts(&[("site.yml", play)]);
        assert_eq!(f.iac[0].value, I::Ansible);
        assert_eq!(f.iac[0].evidence[0].line, Some(3));
    }

    #[test]
    fn pulumi_stack_config_keys_name_the_cloud() {
        let f = facts(&[
            ("Pulumi.yaml", "name: x\nruntime: python\n"),
            ("Pulumi.prod.yaml", "config:\n  aws:region: eu-west-1\n"),
        ]);
        assert_eq!(f.cloud[0].value, C::Aws);
        assert_eq!(f.cloud[0].evidence[0].line, Some(2));
        assert_eq!(
            f.cloud[0].evidence[0].note,
            "Pulumi.prod.yaml > config aws:region"
        );
    }

    #[test]
    fn cdk_and_pulumi_packages_count_as_evidence() {
        let pkg = "{\n  \"dependencies\": {\n    \"aws-cdk-lib\": \"2.150.0\"\n  }\n}\n";
        let f = facts(&[("infra/package.json", pkg)]);
        assert_eq!(f.iac[0].value, I::AwsCdk);
        assert_eq!(f.iac[0].evidence[0].line, Some(3));
        assert_eq!(f.cloud[0].value, C::Aws);
        assert_eq!(
            iac(&[("requirements.txt", "pulumi>=3\npulumi-gcp\n")]),
            [I::Pulumi]
        );
    }

    #[test]
    fn a_yaml_list_without_hosts_is_not_a_playbook() {
        assert!(iac(&[("list.yml", "- name: a\n  tasks: 1\n")]).is_empty());
    }
}
