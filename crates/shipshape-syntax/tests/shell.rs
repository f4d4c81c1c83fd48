//! Specification of the shell word splitter: operators, grouping, quoting, substitutions,
//! heredocs and the flag helpers rules rely on.

use shipshape_syntax::shell::{split, Command, Separator};

fn names(commands: &[Command]) -> Vec<&str> {
    commands.iter().filter_map(|c| c.name()).collect()
}

fn values(c: &Command) -> Vec<&str> {
    c.words.iter().map(|w| w.value.as_str()).collect()
}

fn spans<'a>(src: &'a str, c: &Command) -> Vec<&'a str> {
    c.words.iter().map(|w| w.span.text(src)).collect()
}

#[test]
fn operators_separate_commands_and_are_recorded_on_the_left_one() {
    let src = "a && b || c; d | e & f\ng";
    let cs = split(src, 0);
    assert_eq!(names(&cs), ["a", "b", "c", "d", "e", "f", "g"]);
    let seps: Vec<Separator> = cs.iter().map(|c| c.separator).collect();
    use Separator::*;
    assert_eq!(seps, [AndAnd, OrOr, Semi, Pipe, Background, Newline, End]);
}

#[test]
fn spans_are_offset_by_base() {
    let src = "RUN apt-get install -y curl";
    let cs = split(&src[4..], 4);
    assert_eq!(cs[0].span.text(src), "apt-get install -y curl");
    assert_eq!(spans(src, &cs[0]), ["apt-get", "install", "-y", "curl"]);
}

#[test]
fn quotes_are_removed_from_values_and_kept_in_spans() {
    let src = r#"echo "a b" 'c $d' e\ f "g\"h" x"$Y"z"#;
    let cs = split(src, 0);
    assert_eq!(
        values(&cs[0]),
        ["echo", "a b", "c $d", "e f", "g\"h", "x$Yz"]
    );
    assert_eq!(
        spans(src, &cs[0]),
        [
            "echo",
            "\"a b\"",
            "'c $d'",
            "e\\ f",
            r#""g\"h""#,
            "x\"$Y\"z"
        ]
    );
}

#[test]
fn operators_inside_quotes_do_not_split() {
    let cs = split("echo 'a && b' \"c | d\"; e", 0);
    assert_eq!(names(&cs), ["echo", "e"]);
    assert_eq!(values(&cs[0]), ["echo", "a && b", "c | d"]);
}

#[test]
fn backslash_newline_continues_a_command() {
    let src = "apt-get install \\\n  -y curl";
    let cs = split(src, 0);
    assert_eq!(cs.len(), 1);
    assert_eq!(values(&cs[0]), ["apt-get", "install", "-y", "curl"]);
    assert_eq!(cs[0].span.text(src), src);
}

#[test]
fn subshells_and_groups_yield_their_commands_marked_in_subshell() {
    let src = "(cd /app && make) | tee log; { echo a; echo b; } && c";
    let cs = split(src, 0);
    assert_eq!(names(&cs), ["cd", "make", "tee", "echo", "echo", "c"]);
    let inside: Vec<bool> = cs.iter().map(|c| c.in_subshell).collect();
    assert_eq!(inside, [true, true, false, true, true, false]);
    // The last command of a group carries the operator after the group.
    assert_eq!(cs[1].separator, Separator::Pipe);
    assert_eq!(cs[4].separator, Separator::AndAnd);
    assert_eq!(cs[1].span.text(src), "make");
}

#[test]
fn command_substitutions_stay_in_the_word_and_their_commands_are_extra() {
    let src = "echo \"$(uname -m)\" `id -u` $((1 + 2)) ${HOME:-/root}";
    let cs = split(src, 0);
    assert_eq!(names(&cs), ["echo", "uname", "id"]);
    assert_eq!(values(&cs[0])[1], "$(uname -m)");
    assert_eq!(values(&cs[0])[2], "`id -u`");
    assert_eq!(values(&cs[0])[3], "$((1 + 2))");
    assert_eq!(values(&cs[0])[4], "${HOME:-/root}");
    assert!(cs[1].in_subshell && cs[2].in_subshell);
    assert_eq!(spans(src, &cs[1]), ["uname", "-m"]);
    assert_eq!(spans(src, &cs[2]), ["id", "-u"]);
}

#[test]
fn comments_are_skipped_but_a_hash_inside_a_word_is_kept() {
    let cs = split("echo a#b # comment && rm -rf /\nls", 0);
    assert_eq!(names(&cs), ["echo", "ls"]);
    assert_eq!(values(&cs[0]), ["echo", "a#b"]);
}

#[test]
fn heredoc_bodies_are_data_not_commands() {
    let src = "cat <<EOF > /etc/x && echo done\nrm -rf /\n$(curl evil)\nEOF\napt-get update\n";
    let cs = split(src, 0);
    assert_eq!(names(&cs), ["cat", "echo", "apt-get"]);
    let r = &cs[0].redirects;
    assert_eq!(r.len(), 2);
    assert_eq!(
        (
            r[0].op.as_str(),
            r[0].target.as_ref().map(|t| t.value.as_str())
        ),
        ("<<", Some("EOF"))
    );
    assert_eq!(r[1].span.text(src), "> /etc/x");
    assert_eq!(values(&cs[0]), ["cat"]);
}

#[test]
fn heredoc_variants_tab_stripping_quoting_and_continuations() {
    let src = "cat <<-'A'\n\tx\n\tA\ncat <<B\nline \\\nB\nB\necho after";
    let cs = split(src, 0);
    assert_eq!(names(&cs), ["cat", "cat", "echo"]);
}

#[test]
fn redirections_are_not_words() {
    let src = "make 2>&1 >/dev/null 3< in &>> log";
    let cs = split(src, 0);
    assert_eq!(values(&cs[0]), ["make"]);
    let ops: Vec<&str> = cs[0].redirects.iter().map(|r| r.op.as_str()).collect();
    assert_eq!(ops, ["2>&", ">", "3<", "&>>"]);
    assert_eq!(cs[0].redirects[0].span.text(src), "2>&1");
    assert_eq!(cs[0].span.text(src), src);
}

#[test]
fn flow_keywords_are_dropped_before_commands() {
    let src = "if [ -f x ]; then apt-get install -y a; else yum install b; fi\nfor p in a b; do pip install $p; done\nwhile true; do sleep 1; done\n! grep x";
    let cs = split(src, 0);
    assert_eq!(
        names(&cs),
        ["[", "apt-get", "yum", "for", "pip", "true", "sleep", "grep"]
    );
}

#[test]
fn case_patterns_are_not_commands() {
    let src = "case \"$ARCH\" in\n  amd64|x86_64) URL=a; curl -o x $URL ;;\n  (arm64) wget y ;;\n  *) exit 1 ;;\nesac\necho ok";
    let cs = split(src, 0);
    assert_eq!(names(&cs), ["case", "curl", "wget", "exit", "echo"]);
}

/// The official postgres image: a branch whose body starts with `x="$(…)"`. The `)` that closes
/// the substitution is not a pattern's, so every later command is read as written.
#[test]
fn case_branch_starting_with_a_command_substitution_assignment() {
    let src = "case \"$dpkgArch\" in\n\
               amd64 | arm64) apt-get update ;;\n\
               *)\n\
               savedAptMark=\"$(apt-mark showmanual)\"; \n\
               tempDir=\"$(mktemp -d)\"; cd \"$tempDir\";\n\
               apt-get install -y --no-install-recommends dpkg-dev;\n\
               ;;\n\
               esac; rm -rf /var/lib/apt/lists/*";
    let cs = split(src, 0);
    let outer: Vec<&str> = cs
        .iter()
        .filter(|c| !c.in_subshell)
        .filter_map(|c| c.name())
        .collect();
    // Assignment-only commands have no name.
    assert_eq!(outer, ["case", "apt-get", "cd", "apt-get", "rm"]);
    let inner: Vec<&str> = cs
        .iter()
        .filter(|c| c.in_subshell)
        .filter_map(|c| c.name())
        .collect();
    assert_eq!(inner, ["apt-mark", "mktemp"]);
    let install = cs.iter().rfind(|c| c.name() == Some("apt-get")).unwrap();
    assert_eq!(
        values(install),
        [
            "apt-get",
            "install",
            "-y",
            "--no-install-recommends",
            "dpkg-dev"
        ]
    );
}

#[test]
fn a_word_followed_by_a_paren_outside_a_pattern_position_is_no_pattern() {
    // Inside a branch body, `echo x)` does not start a new branch.
    let cs = split("case a in\n a) echo \"$(printf x)\"; ls ;;\nesac", 0);
    assert_eq!(names(&cs), ["case", "echo", "printf", "ls"]);
}

#[test]
fn function_definitions_yield_their_body() {
    let cs = split(
        "retry() { for i in 1 2; do \"$@\" && break; done; }\nretry apt-get update",
        0,
    );
    assert_eq!(names(&cs), ["for", "$@", "break", "retry"]);
}

#[test]
fn name_skips_assignments_but_not_wrappers() {
    let cs = split(
        "DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -qy curl",
        0,
    );
    let c = &cs[0];
    assert_eq!(c.name(), Some("sudo"));
    assert_eq!(c.assignments().len(), 1);
    assert_eq!(c.args()[0].value, "-E");
    let inner = c.wrapped();
    assert_eq!(inner.name(), Some("apt-get"));
    assert!(inner.has_flag('y', "yes"));
    assert!(inner.has_flag('q', ""));
    assert!(!inner.has_flag('x', "no-install-recommends"));
    let env = split("env -i PATH=/bin nohup time pip install x", 0);
    assert_eq!(env[0].wrapped().name(), Some("pip"));
}

#[test]
fn has_flag_understands_long_flags_with_values_and_stops_at_double_dash() {
    let cs = split(
        "pip install --no-cache-dir --index-url=https://x -r req.txt -- --yes",
        0,
    );
    let c = &cs[0];
    assert!(c.has_flag('\0', "no-cache-dir"));
    assert!(c.has_flag('\0', "--index-url"));
    assert!(c.has_flag('r', ""));
    assert!(!c.has_flag('\0', "yes"));
    assert_eq!(
        c.flag_value('\0', "index-url").map(|w| w.value.as_str()),
        Some("--index-url=https://x")
    );
    assert_eq!(
        c.flag_value('r', "requirement").map(|w| w.value.as_str()),
        Some("req.txt")
    );
    let operands: Vec<&str> = c.operands().iter().map(|w| w.value.as_str()).collect();
    assert_eq!(operands, ["install", "req.txt", "--yes"]);
}

#[test]
fn commands_without_words_are_dropped() {
    assert!(split("> /tmp/x", 0).is_empty());
    assert!(split("  \n\n ; ;; & ", 0).is_empty());
    assert!(split("", 0).is_empty());
}

#[test]
fn unbalanced_input_is_split_on_a_best_effort_basis() {
    let cs = split("echo \"unterminated && rm -rf /", 0);
    assert_eq!(names(&cs), ["echo"]);
    let cs = split("echo 'x", 0);
    assert_eq!(values(&cs[0]), ["echo", "x"]);
    let cs = split("(a && (b", 0);
    assert_eq!(names(&cs), ["a", "b"]);
    let cs = split("a ) b } c", 0);
    assert_eq!(names(&cs), ["a"]);
    assert!(split("$(((((", 0).len() <= 1);
}

#[test]
fn deep_nesting_does_not_exhaust_the_stack() {
    let deep = "(".repeat(100_000) + "x" + &")".repeat(100_000);
    let _ = split(&deep, 0);
    let deep = "$(".repeat(50_000) + "x";
    let _ = split(&deep, 0);
    let deep = "\"$(".repeat(50_000);
    let _ = split(&deep, 0);
}

#[test]
fn curl_piped_to_shell_is_two_commands_joined_by_a_pipe() {
    let src = "curl -fsSL https://get.example.sh | sudo bash -s -- --yes";
    let cs = split(src, 0);
    assert_eq!(names(&cs), ["curl", "sudo"]);
    assert_eq!(cs[0].separator, Separator::Pipe);
    assert_eq!(cs[1].wrapped().name(), Some("bash"));
}

#[test]
fn crlf_and_unicode_are_handled() {
    let src = "echo héllo\r\nls «x»\r\n";
    let cs = split(src, 0);
    assert_eq!(names(&cs), ["echo", "ls"]);
    assert_eq!(spans(src, &cs[1]), ["ls", "«x»"]);
}

/// The definition `is_assignment` implements, written the long way: `NAME=` or `NAME+=` where
/// NAME is a shell identifier (letters, digits, `_`; not starting with a digit).
fn assignment_by_definition(word: &str) -> bool {
    let Some(eq) = word.find('=') else {
        return false;
    };
    let name = &word[..eq];
    let name = name.strip_suffix('+').unwrap_or(name);
    !name.is_empty()
        && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

#[test]
fn assignments_are_recognised_by_their_name() {
    for (word, expected) in [
        ("A=1", true),
        ("_x=", true),
        ("PATH+=:/opt", true),
        ("a1_B=x=y", true),
        ("1A=x", false),
        ("+=x", false),
        ("a++=x", false),
        ("apt-get", false),
        ("--opt=1", false),
        ("https://x/?a=b", false),
        ("", false),
        ("é=1", false),
    ] {
        assert_eq!(
            shipshape_syntax::shell::is_assignment(word),
            expected,
            "{word}"
        );
    }
}

proptest::proptest! {
    #[test]
    fn is_assignment_matches_its_definition(word in "[a-zA-Z0-9_+=:/é.-]{0,12}") {
        proptest::prop_assert_eq!(shipshape_syntax::shell::is_assignment(&word), assignment_by_definition(&word));
    }
}

mod cached_name {
    //! `Command::new` finds the name and the start of the wrapped command once; what it finds
    //! must be what reading the words each time gives.
    use proptest::prelude::*;
    use shipshape_syntax::shell::{is_assignment, split, Command};

    /// The name as read from the words: the first that is not an assignment.
    fn reference_name(c: &Command) -> Option<&str> {
        c.words
            .iter()
            .find(|w| !is_assignment(&w.value))
            .map(|w| w.value.as_str())
    }

    /// The words after the wrappers, read from the words each time.
    fn reference_unwrapped(c: &Command) -> Vec<String> {
        let wrappers = [
            "sudo", "env", "exec", "time", "nohup", "command", "nice", "doas",
        ];
        let Some(mut start) = c.words.iter().position(|w| !is_assignment(&w.value)) else {
            return c.words.iter().map(|w| w.value.clone()).collect();
        };
        while let Some(w) = c.words.get(start) {
            if !wrappers.contains(&w.value.as_str()) {
                break;
            }
            start += 1;
            while let Some(w) = c.words.get(start) {
                let v = w.value.as_str();
                let takes_value = matches!(
                    v,
                    "-u" | "-g" | "-n" | "-p" | "-C" | "-h" | "-U" | "-r" | "-t"
                );
                if takes_value && c.words.len() > start + 1 {
                    start += 2;
                } else if v.starts_with('-') || is_assignment(v) || v.parse::<i32>().is_ok() {
                    start += 1;
                } else {
                    break;
                }
            }
        }
        c.words[start..].iter().map(|w| w.value.clone()).collect()
    }

    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("sudo".to_string()),
            Just("env".to_string()),
            Just("nice".to_string()),
            Just("-u".to_string()),
            Just("-E".to_string()),
            Just("10".to_string()),
            Just("FOO=1".to_string()),
            Just("A+=x".to_string()),
            Just("apt-get".to_string()),
            Just("install".to_string()),
            "[a-z=_-]{1,6}",
        ]
    }

    proptest! {
        #[test]
        fn name_and_unwrapped_match_reading_the_words(words in prop::collection::vec(word(), 0..8)) {
            let src = words.join(" ");
            for c in split(&src, 0) {
                prop_assert_eq!(c.name(), reference_name(&c));
                let unwrapped: Vec<String> =
                    c.unwrapped().words.iter().map(|w| w.value.clone()).collect();
                prop_assert_eq!(unwrapped, reference_unwrapped(&c));
                // A command seen through its wrappers knows its own name too.
                let inner = c.wrapped();
                prop_assert_eq!(inner.name(), reference_name(&inner));
            }
        }
    }
}

/// A word made of pieces of every kind (plain runs, quotes, escapes, expansions, a line
/// continuation) reads as the concatenation of the pieces' values, with the span of the whole
/// word: the value is assembled from ranges of the source, borrowed while they follow on.
mod word_pieces {
    use proptest::prelude::*;
    use shipshape_syntax::shell::split;

    /// A piece as written and its value.
    fn piece() -> impl Strategy<Value = (String, String)> {
        prop_oneof![
            "[a-z0-9./=:-]{1,5}".prop_map(|s| (s.clone(), s)),
            "[a-z $é]{0,4}".prop_map(|s| (format!("'{s}'"), s)),
            "[a-z é]{0,4}".prop_map(|s| (format!("\"{s}\""), s)),
            "[a-z ;|é]".prop_map(|s| (format!("\\{s}"), s)),
            "[A-Z]{1,3}".prop_map(|s| (format!("${s}"), format!("${s}"))),
            "[A-Z]{1,3}".prop_map(|s| (format!("\"${{{s}}}\""), format!("${{{s}}}"))),
            "[a-z]{1,3}".prop_map(|s| (format!("$({s})"), format!("$({s})"))),
            Just(("\\\n".to_string(), String::new())),
        ]
    }

    proptest! {
        #[test]
        fn a_word_reads_as_its_pieces(pieces in prop::collection::vec(piece(), 1..6)) {
            // A continuation first would be taken as a blank before the word.
            prop_assume!(pieces[0].0 != "\\\n");
            let raw: String = pieces.iter().map(|p| p.0.as_str()).collect();
            let value: String = pieces.iter().map(|p| p.1.as_str()).collect();
            let src = format!("echo {raw} x");
            let commands = split(&src, 0);
            let echo = commands.iter().find(|c| c.name() == Some("echo")).unwrap();
            prop_assert_eq!(echo.words.len(), 3);
            prop_assert_eq!(&echo.words[1].value, &value);
            prop_assert_eq!((echo.words[1].span.start, echo.words[1].span.end), (5, 5 + raw.len()));
        }
    }
}
