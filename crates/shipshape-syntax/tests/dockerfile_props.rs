//! Property tests: the Dockerfile parser and the shell splitter never panic and every span they
//! report lies within the input on character boundaries, for arbitrary text and for generated
//! Dockerfile-shaped and shell-shaped text.

#[path = "common/invariants.rs"]
mod invariants;

use proptest::prelude::*;

/// Pieces that exercise the parser's corners when glued together at random.
fn dockerfile_fragment() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "FROM ",
        "from ",
        "RUN ",
        "CMD ",
        "ENTRYPOINT ",
        "COPY ",
        "ADD ",
        "ENV ",
        "ARG ",
        "LABEL ",
        "EXPOSE ",
        "USER ",
        "WORKDIR ",
        "VOLUME ",
        "SHELL ",
        "ONBUILD ",
        "HEALTHCHECK ",
        "NONE",
        "STOPSIGNAL ",
        "MAINTAINER ",
        "BOGUS ",
        "AS ",
        "--mount=type=cache,target=/x ",
        "--from=0 ",
        "--link ",
        "--chown=\"a b\" ",
        "--platform=$P ",
        "--interval=5s ",
        "-- ",
        "\\\n",
        "\\  \n",
        "`\n",
        "\n",
        "\r\n",
        "\n\n",
        "# comment\n",
        "# escape=`\n",
        "# syntax=x\n",
        "#",
        "<<EOF",
        "<<-EOF",
        "<<'EOF'",
        "<<\"EOF\"",
        " <<a.txt",
        "EOF\n",
        "\tEOF\n",
        "a.txt\n",
        "\"",
        "'",
        "[",
        "]",
        "[\"a\", \"b\"]",
        "\", \"",
        "\\\"",
        "\\u00e9",
        "\\ud83d\\ude00",
        "&& ",
        "|| ",
        "| ",
        ";",
        "&",
        "$(",
        ")",
        "(",
        "`",
        "{ ",
        " }",
        "${A:-b}",
        "$A",
        "A=b ",
        "c=\"d e\" ",
        "é",
        "日本",
        "\u{feff}",
        " ",
        "\t",
        "\r",
        "case x in a) b;; esac",
        "if a; then b; fi",
        "2>&1 ",
        "<<<w",
        "cat <<X\n",
        "X\n",
    ])
    .prop_map(String::from);
    prop_oneof![
        4 => fixed,
        1 => "[a-zA-Z0-9=:/._ -]{0,8}",
        1 => any::<char>().prop_map(String::from),
    ]
}

fn dockerfile_like() -> impl Strategy<Value = String> {
    prop::collection::vec(dockerfile_fragment(), 0..48).prop_map(|v| v.concat())
}

fn shell_fragment() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "apt-get ",
        "install ",
        "-y ",
        "--yes ",
        "sudo ",
        "env ",
        "A=1 ",
        "&& ",
        "|| ",
        "| ",
        "; ",
        ";; ",
        "& ",
        "\n",
        "\\\n",
        "(",
        ")",
        "{ ",
        "}",
        "$(",
        "$((",
        "`",
        "\"",
        "'",
        "\\",
        "#",
        "<<EOF",
        "<<-EOF",
        "<<'EOF'",
        "\nEOF\n",
        "\tEOF",
        "> /dev/null ",
        "2>&1 ",
        "<(",
        ">(",
        "${",
        "$'",
        "if ",
        "then ",
        "fi",
        "case ",
        " in ",
        "esac",
        "do ",
        "done",
        "!",
        "f() ",
        "é",
        "\r",
    ])
    .prop_map(String::from);
    prop_oneof![
        4 => fixed,
        1 => "[a-z0-9 ]{0,6}",
        1 => any::<char>().prop_map(String::from),
    ]
}

fn shell_like() -> impl Strategy<Value = String> {
    prop::collection::vec(shell_fragment(), 0..48).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn dockerfile_spans_are_valid_for_arbitrary_text(src in any::<String>()) {
        invariants::check_dockerfile(&src);
    }

    #[test]
    fn dockerfile_spans_are_valid_for_dockerfile_shaped_text(src in dockerfile_like()) {
        invariants::check_dockerfile(&src);
    }

    #[test]
    fn shell_spans_are_valid_for_arbitrary_text(src in any::<String>()) {
        invariants::check_shell(&src);
    }

    #[test]
    fn shell_spans_are_valid_for_shell_shaped_text(src in shell_like()) {
        invariants::check_shell(&src);
    }

    /// The commands seen through wrappers are each raw command's `wrapped()`, whether they are
    /// shared with the raw split (nothing to take off anywhere in the RUN) or copied.
    #[test]
    fn wrapped_run_commands_are_the_raw_ones_wrapped(src in shell_like()) {
        for text in [format!("FROM a\nRUN {src}\n"), format!("RUN <<EOF\n{src}\nEOF\n")] {
            let ast = shipshape_syntax::dockerfile::parse(&text);
            for instr in &ast.instructions {
                let wrapped: Vec<_> = instr
                    .run_commands_ref()
                    .iter()
                    .map(shipshape_syntax::shell::Command::wrapped)
                    .collect();
                prop_assert_eq!(instr.run_commands_wrapped(), wrapped.as_slice());
            }
        }
    }

    #[test]
    fn shell_form_text_is_parsed_as_a_shell_script(src in shell_like()) {
        invariants::check_dockerfile(&format!("FROM a\nRUN {src}\n"));
        invariants::check_dockerfile(&format!("RUN <<EOF\n{src}\nEOF\n"));
    }
}
