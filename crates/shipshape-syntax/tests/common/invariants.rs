//! Invariants every parse result must satisfy whatever the input: no panic, every span inside
//! the input and on character boundaries, nested spans inside their parents, logical offsets of
//! shell forms mapping back to the same characters. Shared by the property tests and the fuzz
//! target (which includes this file by path).

use shipshape_syntax::dockerfile::{self, Args, Instruction};
use shipshape_syntax::shell::{self, Command};
use shipshape_syntax::Span;

fn assert_span(src: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= src.len(),
        "{what} span {span:?} outside input of {} bytes",
        src.len()
    );
    assert!(
        src.is_char_boundary(span.start) && src.is_char_boundary(span.end),
        "{what} span {span:?} not on character boundaries"
    );
}

fn assert_within(inner: Span, outer: Span, what: &str) {
    assert!(
        outer.start <= inner.start && inner.end <= outer.end,
        "{what} span {inner:?} outside its parent {outer:?}"
    );
}

fn check_commands(src: &str, commands: &[Command]) {
    for c in commands {
        assert_span(src, c.span, "command");
        for w in &c.words {
            assert_span(src, w.span, "command word");
        }
        for r in &c.redirects {
            assert_span(src, r.span, "redirect");
            if let Some(t) = &r.target {
                assert_span(src, t.span, "redirect target");
            }
        }
        // The helpers must cope with any command.
        let _ = (
            c.name(),
            c.args(),
            c.has_flag('y', "yes"),
            c.operands(),
            c.wrapped(),
        );
        let _ = c.flag_value('o', "output");
    }
}

fn check_shell_form(src: &str, s: &dockerfile::ShellForm, parent: Span) {
    assert_span(src, s.span, "shell form");
    assert_within(s.span, parent, "shell form");
    check_commands(src, &s.commands());
    // Every character of the logical text maps back to the same character in the source.
    for (i, c) in s.text.char_indices() {
        let mapped = s.source_span(i..i + c.len_utf8());
        assert_span(src, mapped, "mapped logical range");
        assert_eq!(
            mapped.text(src),
            c.to_string(),
            "logical offset {i} maps to {mapped:?}"
        );
    }
    assert_span(
        src,
        s.source_span(0..s.text.len() + 10),
        "clamped logical range",
    );
}

fn check_instruction(src: &str, i: &Instruction) {
    assert_span(src, i.span, "instruction");
    assert_span(src, i.keyword_span, "keyword");
    assert_within(i.keyword_span, i.span, "keyword");
    for f in &i.flags {
        assert_span(src, f.span, "flag");
        assert_within(f.span, i.span, "flag");
        if let Some(v) = f.value_span {
            assert_span(src, v, "flag value");
            assert_within(v, f.span, "flag value");
        }
    }
    match &i.args {
        Args::Exec(words) | Args::Words(words) => {
            for w in words {
                assert_span(src, w.span, "word");
                assert_within(w.span, i.span, "word");
            }
        }
        Args::Shell(s) => check_shell_form(src, s, i.span),
        Args::Empty => {}
    }
    for h in &i.heredocs {
        assert_span(src, h.marker_span, "heredoc marker");
        assert_span(src, h.body_span, "heredoc body");
        assert_within(h.marker_span, i.span, "heredoc marker");
        assert_within(h.body_span, i.span, "heredoc body");
        assert_eq!(h.body_span.text(src), h.body);
        check_commands(src, &h.commands());
    }
    for kv in i.key_values() {
        assert_span(src, kv.span, "pair");
        assert_span(src, kv.key_span, "pair key");
        if let Some(v) = kv.value_span {
            assert_span(src, v, "pair value");
        }
    }
    check_commands(src, &i.run_commands());
    check_commands(src, &i.commands());
    if let Some(f) = i.from() {
        assert_span(src, f.image.span, "FROM image");
    }
    let _ = (i.healthcheck_cmd(), i.is_healthcheck_none(), i.args_span());
    if let Some(inner) = &i.onbuild {
        check_instruction(src, inner);
        assert_within(inner.span, i.span, "ONBUILD trigger");
    }
}

/// Parses `src` as a Dockerfile and checks every invariant.
pub fn check_dockerfile(src: &str) {
    let df = dockerfile::parse(src);
    assert!(df.escape == '\\' || df.escape == '`');
    let mut previous_end = 0;
    for i in &df.instructions {
        check_instruction(src, i);
        assert!(
            i.span.start >= previous_end,
            "instructions overlap at {:?}",
            i.span
        );
        previous_end = i.span.end;
    }
    for c in &df.comments {
        assert_span(src, c.span, "comment");
        assert_eq!(c.span.text(src), c.text);
    }
    for d in &df.directives {
        assert_span(src, d.span, "directive");
    }
    for e in &df.errors {
        assert_span(src, e.span, "error");
        assert!(!e.message.is_empty());
    }
    let stages = df.stages();
    for s in &stages {
        assert_span(src, s.image.span, "stage image");
        assert!(s.instructions.end <= df.instructions.len());
        let _ = df.resolve_arg(&s.image.value, None);
        let _ = df.resolve_arg(&s.image.value, Some(s.index));
    }
    let _ = df.resolve_arg(src, stages.len().checked_sub(1));
    check_model(src, &df);
    assert_eq!(dockerfile::parse(src), df, "parsing is deterministic");
}

/// The semantic model of any parse: parents are earlier stages, the final lineage starts at the
/// last stage, every `RUN` lies in the file, and the base images split without panicking.
fn check_model(src: &str, df: &dockerfile::Dockerfile) {
    let model = df.model();
    let stages = model.stages();
    for s in stages {
        if let Some(p) = s.parent {
            assert!(p < s.index, "stage {} builds on a later stage {p}", s.index);
        }
        let chain = model.lineage(s.index);
        assert_eq!(chain.first(), Some(&s.index));
        assert!(chain.windows(2).all(|w| w[1] < w[0]), "lineage {chain:?}");
        let _ = model.lineage_instructions(s.index);
        if let Some(image) = model.base_image(s.index) {
            let _ = (
                image.normalized(),
                image.tag(),
                image.digest(),
                image.name(),
            );
        }
    }
    let lineage: Vec<usize> = model.final_lineage().map(|s| s.index).collect();
    assert_eq!(lineage.first().copied(), stages.len().checked_sub(1));
    assert_eq!(model.stages_in_final_image().len(), stages.len());
    for run in model.runs() {
        assert_span(src, run.instruction.span, "RUN");
        assert_eq!(run.stage, df.stage_of(run.index));
        check_commands(src, run.commands);
        let _ = model.ships(&run);
    }
    for keyword in [dockerfile::Keyword::User, dockerfile::Keyword::Cmd] {
        if let Some((i, instr)) = model.effective(keyword) {
            assert_eq!(df.instructions[i].keyword, instr.keyword);
        }
    }
}

/// Splits `src` as shell text (at a few bases) and checks every invariant.
pub fn check_shell(src: &str) {
    let commands = shell::split(src, 0);
    check_commands(src, &commands);
    for w in commands.windows(2) {
        assert!(w[0].span.start <= w[1].span.start, "commands out of order");
    }
    // With a base, spans shift by exactly that base.
    let prefixed = format!("RUN {src}");
    let shifted = shell::split(&prefixed[4..], 4);
    check_commands(&prefixed, &shifted);
    assert_eq!(shifted.len(), commands.len());
}
