//! Inspect selectors in the in-tree text syntax.
//!
//! `<component>:<tree>` or `<component>:<tree>:<property>`:
//! - component: '/'-separated moniker segments; `*` in a segment matches any characters,
//!   a final `**` matches any number of further segments;
//! - tree: an optional tree-name filter (`[name=a]`, `[name=a,name=b]` or `[...]` for all;
//!   default: the tree named "root") followed by a '/'-separated node path with `*`
//!   wildcards;
//! - property: a property name pattern.
//!
//! `\` escapes `:`, `/`, `*`, `\` and `,`, e.g. `realm_builder\:auto-1/proxy_manager:root`.

/// One piece of a pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    /// Any run of characters (possibly empty).
    Any,
}

/// A name pattern with `*` wildcards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern(Vec<Token>);

impl Pattern {
    /// Whether `name` matches the whole pattern.
    pub fn matches(&self, name: &str) -> bool {
        let name: Vec<char> = name.chars().collect();
        // reachable[i]: the pattern prefix consumed so far can end at name position i.
        let mut reachable = vec![false; name.len() + 1];
        reachable[0] = true;
        for token in &self.0 {
            let mut next = vec![false; name.len() + 1];
            match token {
                Token::Any => {
                    let mut any = false;
                    for i in 0..=name.len() {
                        any |= reachable[i];
                        next[i] = any;
                    }
                }
                Token::Char(c) => {
                    for i in 0..name.len() {
                        next[i + 1] = reachable[i] && name[i] == *c;
                    }
                }
            }
            reachable = next;
        }
        reachable[name.len()]
    }

    fn is_recursive_wildcard(&self) -> bool {
        self.0 == [Token::Any, Token::Any]
    }
}

/// Which tree names a selector applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TreeNames {
    /// Only the default tree, "root".
    Default,
    /// Every tree.
    All,
    /// These trees.
    Some(Vec<String>),
}

impl TreeNames {
    /// Whether a tree named `name` is selected.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            TreeNames::Default => name == diagnostics_data::DEFAULT_TREE_NAME,
            TreeNames::All => true,
            TreeNames::Some(names) => names.iter().any(|n| n == name),
        }
    }
}

/// A parsed selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    component: Vec<Pattern>,
    pub(crate) tree_names: TreeNames,
    pub(crate) node_path: Vec<Pattern>,
    pub(crate) property: Option<Pattern>,
}

/// Splits `text` on unescaped `separator`, keeping escapes in the pieces.
fn split_unescaped(text: &str, separator: char) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let last = pieces.last_mut().expect("never empty");
            last.push(c);
            if let Some(escaped) = chars.next() {
                last.push(escaped);
            }
        } else if c == separator {
            pieces.push(String::new());
        } else {
            pieces.last_mut().expect("never empty").push(c);
        }
    }
    pieces
}

fn pattern(text: &str) -> Result<Pattern, String> {
    if text.is_empty() {
        return Err("empty segment".into());
    }
    let mut tokens = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(escaped @ (':' | '/' | '*' | '\\' | ',')) => tokens.push(Token::Char(escaped)),
                Some(other) => return Err(format!("invalid escape \\{other}")),
                None => return Err("dangling escape".into()),
            },
            '*' => tokens.push(Token::Any),
            ':' | '/' => return Err(format!("unescaped {c:?}")),
            other => tokens.push(Token::Char(other)),
        }
    }
    Ok(Pattern(tokens))
}

fn tree_names(text: &str) -> Result<(TreeNames, &str), String> {
    let Some(rest) = text.strip_prefix('[') else { return Ok((TreeNames::Default, text)) };
    let (inside, path) = rest.split_once(']').ok_or("unterminated tree name filter")?;
    if inside == "..." {
        return Ok((TreeNames::All, path));
    }
    let names = split_unescaped(inside, ',')
        .into_iter()
        .map(|entry| {
            let name = entry.trim().strip_prefix("name=").ok_or("tree names are `name=<name>`")?;
            let name = name.trim().trim_matches('"');
            if name.is_empty() { Err("empty tree name") } else { Ok(name.to_owned()) }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((TreeNames::Some(names), path))
}

impl Selector {
    /// Parses a selector string.
    pub fn parse(text: &str) -> Result<Selector, String> {
        let parts = split_unescaped(text, ':');
        let (component, tree, property) = match parts.as_slice() {
            [component, tree] => (component, tree, None),
            [component, tree, property] => (component, tree, Some(property)),
            _ => return Err("expected <component>:<tree>[:<property>]".into()),
        };
        let component = split_unescaped(component, '/')
            .iter()
            .map(|segment| pattern(segment))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(position) = component.iter().position(Pattern::is_recursive_wildcard)
            && position + 1 != component.len()
        {
            return Err("`**` must be the last moniker segment".into());
        }
        let (tree_names, path) = tree_names(tree)?;
        let node_path = split_unescaped(path, '/')
            .iter()
            .map(|segment| pattern(segment))
            .collect::<Result<Vec<_>, _>>()?;
        let property = property.map(|p| pattern(p)).transpose()?;
        Ok(Selector { component, tree_names, node_path, property })
    }

    /// The trees the selector applies to.
    pub fn tree_names(&self) -> &TreeNames {
        &self.tree_names
    }

    /// Whether the selector's component part matches `moniker`.
    pub fn matches_moniker(&self, moniker: &str) -> bool {
        let segments: Vec<&str> = moniker.split('/').collect();
        match self.component.split_last() {
            Some((last, init)) if last.is_recursive_wildcard() => {
                segments.len() >= init.len()
                    && init.iter().zip(&segments).all(|(pattern, segment)| pattern.matches(segment))
            }
            _ => {
                segments.len() == self.component.len()
                    && self.component.iter().zip(&segments).all(|(p, s)| p.matches(s))
            }
        }
    }
}

/// Escapes a moniker for use as a selector's component part (`:`, `*`, `\` and `,`).
pub fn sanitize_moniker_for_selectors(moniker: &str) -> String {
    let mut out = String::with_capacity(moniker.len());
    for c in moniker.chars() {
        if matches!(c, ':' | '*' | '\\' | ',') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
