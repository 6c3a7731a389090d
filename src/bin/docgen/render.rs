//! Fills a page template: placeholders for the schema's description, example files and the
//! schema itself, rendered the way tfplugindocs lays out registry docs (Required / Optional /
//! Read-Only lists, one "Nested Schema" section per nested attribute, with anchors).

use std::fmt::Write as _;
use std::path::Path;

use tfplugin::framework::{Attribute, AttributeKind, Constraint, Nesting, Schema, Signature};
use tfvalue::{Type, Value};

/// What a page documents: a schema (provider, resource, data source) or a function.
pub(crate) enum Subject<'a> {
    /// A provider, resource or data source schema.
    Schema(&'a Schema),
    /// A function: its name and signature.
    Function(&'a str, &'a Signature),
}

impl Subject<'_> {
    fn description(&self) -> &str {
        match self {
            Subject::Schema(schema) => &schema.description,
            Subject::Function(_, signature) => &signature.description,
        }
    }
}

/// Fills `template`. Placeholders:
///
/// - `{{ description }}`: the schema's or function's description
/// - `{{ description_yaml }}`: the same, indented for a front matter `|-` block
/// - `{{ summary }}`: a function's summary
/// - `{{ example PATH }}`: `examples/PATH` in a `terraform` code block
/// - `{{ example_shell PATH }}`: `examples/PATH` in a `shell` code block
/// - `{{ schema }}`: the attributes
/// - `{{ signature }}`: a function's signature and arguments
pub(crate) fn page(
    template: &str,
    subject: &Subject<'_>,
    examples: &Path,
) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| "a `{{` without `}}`".to_string())?;
        let words: Vec<&str> = after[..end].split_whitespace().collect();
        match words.as_slice() {
            ["description"] => out.push_str(subject.description().trim()),
            ["description_yaml"] => {
                let indented: Vec<String> = subject
                    .description()
                    .trim()
                    .lines()
                    .map(|l| format!("  {l}"))
                    .collect();
                out.push_str(&indented.join("\n"));
            }
            ["example", file] => out.push_str(&code_block("terraform", examples, file)?),
            ["example_shell", file] => out.push_str(&code_block("shell", examples, file)?),
            ["schema"] => match subject {
                Subject::Schema(schema) => out.push_str(&schema_markdown(&schema.attributes)),
                Subject::Function(..) => return Err("a function has no {{ schema }}".into()),
            },
            ["signature"] => match subject {
                Subject::Function(name, signature) => {
                    out.push_str(&signature_markdown(name, signature));
                }
                Subject::Schema(_) => return Err("a schema has no {{ signature }}".into()),
            },
            ["summary"] => match subject {
                Subject::Function(_, signature) => out.push_str(signature.summary.trim()),
                Subject::Schema(_) => return Err("a schema has no {{ summary }}".into()),
            },
            other => return Err(format!("unknown placeholder {{{{ {} }}}}", other.join(" "))),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn code_block(language: &str, examples: &Path, file: &str) -> Result<String, String> {
    let path = examples.join(file);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("reading example {}: {e}", path.display()))?;
    Ok(format!("```{language}\n{}\n```", text.trim_end()))
}

/// The `## Schema` section: top-level attributes, then a section per nested attribute.
pub(crate) fn schema_markdown(attributes: &[Attribute]) -> String {
    let mut out = String::from("## Schema\n\n");
    groups(&mut out, attributes, "", true);
    nested_sections(&mut out, attributes, "", "");
    out.truncate(out.trim_end().len());
    out
}

/// The `## Signature` and `## Arguments` sections of a function, as tfplugindocs writes them.
pub(crate) fn signature_markdown(name: &str, signature: &Signature) -> String {
    let parameters: Vec<String> = signature
        .parameters
        .iter()
        .map(|p| format!("{} {}", p.name, hcl_type(&p.ty)))
        .collect();
    let mut out = format!(
        "## Signature\n\n```text\n{name}({}) {}\n```\n\n## Arguments\n\n",
        parameters.join(", "),
        hcl_type(&signature.return_type)
    );
    for (i, p) in signature.parameters.iter().enumerate() {
        let nullable = if p.allow_null { ", Nullable" } else { "" };
        let _ = writeln!(
            out,
            "{}. `{}` ({}{nullable}) {}",
            i + 1,
            p.name,
            type_name(&p.ty),
            p.description.trim()
        );
    }
    out.truncate(out.trim_end().len());
    out
}

/// A type as written in HCL, e.g. `list(string)`.
fn hcl_type(ty: &Type) -> String {
    match ty {
        Type::Bool => "bool".to_string(),
        Type::Number => "number".to_string(),
        Type::String => "string".to_string(),
        Type::Dynamic => "dynamic".to_string(),
        Type::List(e) => format!("list({})", hcl_type(e)),
        Type::Set(e) => format!("set({})", hcl_type(e)),
        Type::Map(e) => format!("map({})", hcl_type(e)),
        Type::Object { attributes, .. } => {
            let members: Vec<String> = attributes
                .iter()
                .map(|(k, t)| format!("{k}={}", hcl_type(t)))
                .collect();
            format!("object({{{}}})", members.join(", "))
        }
        Type::Tuple(items) => {
            let items: Vec<String> = items.iter().map(hcl_type).collect();
            format!("tuple([{}])", items.join(", "))
        }
    }
}

/// Which list an attribute belongs in.
fn group_of(attribute: &Attribute) -> &'static str {
    match attribute.constraint {
        Constraint::Required => "Required",
        Constraint::Computed => "Read-Only",
        Constraint::Optional | Constraint::OptionalComputed => "Optional",
    }
}

fn groups(out: &mut String, attributes: &[Attribute], anchor: &str, top_level: bool) {
    for group in ["Required", "Optional", "Read-Only"] {
        let members: Vec<&Attribute> = attributes.iter().filter(|a| group_of(a) == group).collect();
        if members.is_empty() {
            continue;
        }
        if top_level {
            let _ = write!(out, "### {group}\n\n");
        } else {
            let _ = write!(out, "{group}:\n\n");
        }
        for attribute in members {
            out.push_str(&bullet(attribute, anchor));
            out.push('\n');
        }
        out.push('\n');
    }
}

/// `- `name` (Type, flags) Description. Validation. Default. (see below …)`
fn bullet(attribute: &Attribute, parent_anchor: &str) -> String {
    let mut kind = kind_name(attribute);
    if attribute.sensitive {
        kind.push_str(", Sensitive");
    }
    if attribute.write_only {
        kind.push_str(", Write-only");
    }
    if attribute.deprecation.is_some() {
        kind.push_str(", Deprecated");
    }
    let mut text = vec![attribute.description.trim().to_string()];
    if let Some(message) = &attribute.deprecation {
        text.push(format!("**Deprecated:** {}", message.trim()));
    }
    for validator in &attribute.validators {
        let rule = validator.description();
        // Descriptions often state the allowed values already; say them once.
        if !restates(&attribute.description, &rule) {
            text.push(rule.trim().to_string());
        }
    }
    if let Some(default) = &attribute.default {
        if !attribute.description.to_lowercase().contains("default") {
            text.push(format!("Defaults to `{}`.", literal(default)));
        }
    }
    if attribute.children().is_some() {
        text.push(format!(
            "(see [below for nested schema](#nestedatt--{}))",
            child_anchor(parent_anchor, &attribute.name)
        ));
    }
    let text: Vec<String> = text.into_iter().filter(|t| !t.is_empty()).collect();
    format!("- `{}` ({kind}) {}", attribute.name, text.join(" "))
}

/// Whether `description` already names every value (number or `code`) the validator's `rule` does.
fn restates(description: &str, rule: &str) -> bool {
    let mut values: Vec<&str> = rule
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect();
    values.extend(rule.split('`').skip(1).step_by(2));
    !values.is_empty() && values.iter().all(|v| description.contains(v))
}

fn nested_sections(out: &mut String, attributes: &[Attribute], anchor: &str, path: &str) {
    for attribute in attributes {
        let Some(children) = attribute.children() else {
            continue;
        };
        let anchor = child_anchor(anchor, &attribute.name);
        let path = if path.is_empty() {
            attribute.name.clone()
        } else {
            format!("{path}.{}", attribute.name)
        };
        let _ = write!(
            out,
            "<a id=\"nestedatt--{anchor}\"></a>\n### Nested Schema for `{path}`\n\n"
        );
        groups(out, children, &anchor, false);
        nested_sections(out, children, &anchor, &path);
    }
}

fn child_anchor(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}--{name}")
    }
}

/// How users see the attribute's type. Shaped attributes are declared `dynamic` to Terraform
/// but hold objects of a fixed shape, so they read like nested attributes.
fn kind_name(attribute: &Attribute) -> String {
    match &attribute.kind {
        AttributeKind::Typed(ty) => type_name(ty),
        AttributeKind::Nested(nesting, _) | AttributeKind::Shaped(nesting, _) => match nesting {
            Nesting::Single => "Attributes".to_string(),
            Nesting::List => "Attributes List".to_string(),
            Nesting::Set => "Attributes Set".to_string(),
            Nesting::Map => "Attributes Map".to_string(),
        },
    }
}

fn type_name(ty: &Type) -> String {
    match ty {
        Type::Bool => "Boolean".to_string(),
        Type::Number => "Number".to_string(),
        Type::String => "String".to_string(),
        Type::Dynamic => "Dynamic".to_string(),
        Type::List(element) => format!("List of {}", type_name(element)),
        Type::Set(element) => format!("Set of {}", type_name(element)),
        Type::Map(element) => format!("Map of {}", type_name(element)),
        Type::Object { .. } => "Object".to_string(),
        Type::Tuple(_) => "Tuple".to_string(),
    }
}

/// A default value as HCL would write it.
fn literal(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("{s:?}"),
        Value::Null => "null".to_string(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::framework::validators;

    #[test]
    fn nested_attributes_get_anchored_sections_in_order() {
        let attributes = vec![
            Attribute::string("name")
                .required()
                .description("The name."),
            Attribute::single_nested(
                "aws",
                vec![Attribute::single_nested(
                    "lock",
                    vec![Attribute::number("days").optional().description("Days.")],
                )
                .optional()
                .description("The lock.")],
            )
            .optional()
            .description("AWS."),
            Attribute::string("id").computed().description("The id."),
        ];
        let md = schema_markdown(&attributes);
        let order = [
            "### Required",
            "- `name` (String) The name.",
            "### Optional",
            "- `aws` (Attributes) AWS. (see [below for nested schema](#nestedatt--aws))",
            "### Read-Only",
            "- `id` (String) The id.",
            "<a id=\"nestedatt--aws\"></a>",
            "### Nested Schema for `aws`",
            "- `lock` (Attributes) The lock. (see [below for nested schema](#nestedatt--aws--lock))",
            "<a id=\"nestedatt--aws--lock\"></a>",
            "### Nested Schema for `aws.lock`",
            "- `days` (Number) Days.",
        ];
        let mut at = 0;
        for line in order {
            let found = md[at..]
                .find(line)
                .unwrap_or_else(|| panic!("{line:?} missing or out of order in:\n{md}"));
            at += found + line.len();
        }
    }

    #[test]
    fn validator_text_is_added_unless_the_description_says_it() {
        let said = Attribute::number("minutes")
            .optional()
            .validator(validators::int_between(60, 120))
            .description("Minutes (60 to 120).");
        assert!(!bullet(&said, "").contains("Must be"));
        let unsaid = Attribute::number("days")
            .optional()
            .validator(validators::int_between(1, 36500))
            .description("Days.");
        assert!(bullet(&unsaid, "").ends_with("Days. Must be a whole number from 1 to 36500."));
    }

    #[test]
    fn defaults_flags_and_placeholders() {
        let a = Attribute::bool("force")
            .default_value(false)
            .description("Force it.");
        assert_eq!(
            bullet(&a, ""),
            "- `force` (Boolean) Force it. Defaults to `false`."
        );
        let secret = Attribute::string("url")
            .optional()
            .write_only()
            .description("A URL.");
        assert_eq!(
            bullet(&secret, ""),
            "- `url` (String, Sensitive, Write-only) A URL."
        );
        let schema = Schema::new("Line one.", vec![]);
        let page = page(
            "d: |-\n{{ description_yaml }}\n{{description}}",
            &Subject::Schema(&schema),
            Path::new("/nonexistent"),
        );
        assert_eq!(page.unwrap(), "d: |-\n  Line one.\nLine one.");
        assert!(super::page("{{ nope }}", &Subject::Schema(&schema), Path::new("/")).is_err());
        assert!(super::page(
            "{{ example missing.tf }}",
            &Subject::Schema(&schema),
            Path::new("/nonexistent")
        )
        .is_err());
        assert!(super::page("{{ signature }}", &Subject::Schema(&schema), Path::new("/")).is_err());
    }

    #[test]
    fn function_pages_show_signature_and_numbered_arguments() {
        use tfplugin::framework::Parameter;
        let signature = Signature {
            parameters: vec![
                Parameter::new("document", Type::String, "A document.").nullable(),
                Parameter::new("paths", Type::list(Type::String), "Paths."),
            ],
            return_type: Type::list(Type::String),
            summary: "Sums up.".into(),
            description: "Long.".into(),
        };
        let md = super::page(
            "{{ summary }}|{{ description }}\n{{ signature }}",
            &Subject::Function("f", &signature),
            Path::new("/"),
        )
        .unwrap();
        assert_eq!(
            md,
            "Sums up.|Long.\n## Signature\n\n```text\nf(document string, paths list(string)) list(string)\n```\n\n\
             ## Arguments\n\n1. `document` (String, Nullable) A document.\n2. `paths` (List of String) Paths."
        );
        assert!(super::page(
            "{{ schema }}",
            &Subject::Function("f", &signature),
            Path::new("/")
        )
        .is_err());
    }
}
