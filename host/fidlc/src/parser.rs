//! Recursive-descent parser from tokens to [`ast::File`].

use crate::ast::*;
use crate::error::{Error, Span};
use crate::lexer::{Token, TokenKind, tokenize};

/// Parses one file. `file` names it in error positions.
pub fn parse_file(file: &str, text: &str) -> Result<File, Error> {
    let tokens = tokenize(file, text)?;
    Parser { tokens, pos: 0 }.file()
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

const LAYOUT_KEYWORDS: [&str; 5] = ["struct", "table", "union", "enum", "bits"];
const LAYOUT_MODIFIERS: [&str; 3] = ["strict", "flexible", "resource"];

fn describe(kind: &TokenKind) -> String {
    match kind {
        TokenKind::Ident(s) => format!("identifier '{s}'"),
        TokenKind::Number(s) => format!("number '{s}'"),
        TokenKind::Str(_) => "string literal".to_string(),
        TokenKind::DocComment(_) => "doc comment".to_string(),
        TokenKind::Punct(p) => format!("'{p}'"),
        TokenKind::Eof => "end of file".to_string(),
    }
}

impl Parser {
    fn peek(&self) -> &TokenKind {
        &self.tokens[self.pos].kind
    }

    fn peek_at(&self, n: usize) -> &TokenKind {
        let i = (self.pos + n).min(self.tokens.len() - 1);
        &self.tokens[i].kind
    }

    fn span(&self) -> Span {
        self.tokens[self.pos].span.clone()
    }

    fn advance(&mut self) -> Token {
        let t = self.tokens[self.pos].clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn unexpected(&self, wanted: &str) -> Error {
        Error::new(&self.span(), format!("unexpected {}, expected {wanted}", describe(self.peek())))
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), TokenKind::Punct(q) if *q == p)
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), TokenKind::Ident(s) if s == w)
    }

    fn word_at(&self, n: usize) -> Option<&str> {
        match self.peek_at(n) {
            TokenKind::Ident(s) => Some(s),
            _ => None,
        }
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn expect_punct(&mut self, p: &str) -> Result<Span, Error> {
        if self.is_punct(p) {
            Ok(self.advance().span)
        } else {
            Err(self.unexpected(&format!("'{p}'")))
        }
    }

    fn expect_word(&mut self, w: &str) -> Result<(), Error> {
        if self.is_word(w) {
            self.advance();
            Ok(())
        } else {
            Err(self.unexpected(&format!("'{w}'")))
        }
    }

    fn ident(&mut self) -> Result<(String, Span), Error> {
        match self.peek().clone() {
            TokenKind::Ident(s) => Ok((s, self.advance().span)),
            _ => Err(self.unexpected("identifier")),
        }
    }

    fn compound_name(&mut self) -> Result<CompoundName, Error> {
        let (first, span) = self.ident()?;
        let mut parts = vec![first];
        while self.is_punct(".") {
            self.advance();
            parts.push(self.ident()?.0);
        }
        Ok(CompoundName { parts, span })
    }

    fn file(mut self) -> Result<File, Error> {
        let library_attributes = self.attributes()?;
        self.expect_word("library")?;
        let library = self.compound_name()?;
        self.expect_punct(";")?;
        let mut usings = Vec::new();
        let mut decls = Vec::new();
        loop {
            let attributes = self.attributes()?;
            if matches!(self.peek(), TokenKind::Eof) {
                if let Some(a) = attributes.first() {
                    return Err(Error::new(&a.span, "attribute is not attached to a declaration"));
                }
                break;
            }
            if self.is_word("using") {
                self.advance();
                let lib = self.compound_name()?;
                let alias = if self.is_word("as") {
                    self.advance();
                    Some(self.ident()?.0)
                } else {
                    None
                };
                self.expect_punct(";")?;
                usings.push(Using { library: lib, alias });
                continue;
            }
            decls.push(self.decl(attributes)?);
        }
        Ok(File { library, library_attributes, usings, decls })
    }

    fn attributes(&mut self) -> Result<Vec<Attribute>, Error> {
        let mut attrs = Vec::new();
        loop {
            match self.peek().clone() {
                TokenKind::DocComment(text) => {
                    let span = self.advance().span;
                    match attrs.iter_mut().find(|a: &&mut Attribute| a.name == "doc") {
                        Some(Attribute { args, .. }) => {
                            if let Some(AttributeArg {
                                value: Constant::Literal { value: Literal::Str(s), .. },
                                ..
                            }) = args.first_mut()
                            {
                                s.push_str(&text);
                                s.push('\n');
                            }
                        }
                        None => attrs.push(Attribute {
                            name: "doc".to_string(),
                            args: vec![AttributeArg {
                                name: None,
                                value: Constant::Literal {
                                    value: Literal::Str(format!("{text}\n")),
                                    span: span.clone(),
                                },
                            }],
                            span,
                        }),
                    }
                }
                TokenKind::Punct("@") => {
                    let span = self.advance().span;
                    let (name, _) = self.ident()?;
                    let mut args = Vec::new();
                    if self.eat_punct("(") {
                        loop {
                            let named = matches!(self.peek_at(1), TokenKind::Punct("="))
                                && matches!(self.peek(), TokenKind::Ident(_));
                            let arg_name = if named {
                                let (n, _) = self.ident()?;
                                self.expect_punct("=")?;
                                Some(n)
                            } else {
                                None
                            };
                            args.push(AttributeArg { name: arg_name, value: self.constant()? });
                            if !self.eat_punct(",") {
                                break;
                            }
                        }
                        self.expect_punct(")")?;
                    }
                    attrs.push(Attribute { name, args, span });
                }
                _ => return Ok(attrs),
            }
        }
    }

    fn decl(&mut self, attributes: Vec<Attribute>) -> Result<Decl, Error> {
        let keyword_span = self.span();
        let keyword = match self.peek() {
            TokenKind::Ident(s) => s.clone(),
            _ => return Err(self.unexpected("declaration")),
        };
        let mut openness = None;
        match keyword.as_str() {
            "open" | "ajar" | "closed" if self.word_at(1) == Some("protocol") => {
                openness = Some(match keyword.as_str() {
                    "open" => Openness::Open,
                    "ajar" => Openness::Ajar,
                    _ => Openness::Closed,
                });
                self.advance();
            }
            "const" | "alias" | "type" | "protocol" | "resource_definition" | "service" => {}
            _ => return Err(self.unexpected("declaration")),
        }
        let keyword = self.ident()?.0;
        let (name, span) = self.ident()?;
        let kind = match keyword.as_str() {
            "const" => {
                let ty = self.type_ctor()?;
                self.expect_punct("=")?;
                let value = self.constant()?;
                DeclKind::Const { ty, value }
            }
            "alias" => {
                self.expect_punct("=")?;
                DeclKind::Alias { ty: self.type_ctor()? }
            }
            "type" => {
                self.expect_punct("=")?;
                if !self.at_layout() {
                    return Err(self.unexpected("layout (struct, table, union, enum or bits)"));
                }
                DeclKind::Type { layout: self.layout()? }
            }
            "protocol" => DeclKind::Protocol { openness, members: self.protocol_body()? },
            "resource_definition" => self.resource_body()?,
            "service" => DeclKind::Service { members: self.service_body()? },
            _ => return Err(Error::new(&keyword_span, "unexpected declaration keyword")),
        };
        self.expect_punct(";")?;
        Ok(Decl { attributes, name, span, kind })
    }

    /// Whether the tokens ahead start an inline layout (modifiers then a
    /// layout keyword followed by `{` or, for enum/bits, `:`).
    fn at_layout(&self) -> bool {
        let mut n = 0;
        while let Some(w) = self.word_at(n) {
            if LAYOUT_KEYWORDS.contains(&w) {
                return matches!(self.peek_at(n + 1), TokenKind::Punct("{"))
                    || (matches!(w, "enum" | "bits")
                        && matches!(self.peek_at(n + 1), TokenKind::Punct(":"))
                        && matches!(self.peek_at(n + 2), TokenKind::Ident(_))
                        && self.word_at(n + 2) != Some("optional"));
            }
            if !LAYOUT_MODIFIERS.contains(&w) {
                return false;
            }
            n += 1;
        }
        false
    }

    fn layout(&mut self) -> Result<Layout, Error> {
        let span = self.span();
        let mut strict = None;
        let mut resource = false;
        loop {
            let (w, wspan) = self.ident()?;
            let kind = match w.as_str() {
                "strict" | "flexible" => {
                    if strict.is_some() {
                        return Err(Error::new(&wspan, format!("conflicting modifier '{w}'")));
                    }
                    strict = Some(w == "strict");
                    continue;
                }
                "resource" => {
                    if resource {
                        return Err(Error::new(&wspan, "duplicate modifier 'resource'"));
                    }
                    resource = true;
                    continue;
                }
                "struct" => LayoutKind::Struct,
                "table" => LayoutKind::Table,
                "union" => LayoutKind::Union,
                "enum" => LayoutKind::Enum,
                _ => LayoutKind::Bits,
            };
            if strict.is_some() && matches!(kind, LayoutKind::Struct | LayoutKind::Table) {
                return Err(Error::new(
                    &span,
                    format!("'{}' cannot be strict or flexible", kind.keyword()),
                ));
            }
            if resource && matches!(kind, LayoutKind::Enum | LayoutKind::Bits) {
                return Err(Error::new(
                    &span,
                    format!("'{}' cannot be a resource", kind.keyword()),
                ));
            }
            let subtype =
                if matches!(kind, LayoutKind::Enum | LayoutKind::Bits) && self.eat_punct(":") {
                    Some(Box::new(self.type_ctor()?))
                } else {
                    None
                };
            self.expect_punct("{")?;
            let mut members = Vec::new();
            while !self.eat_punct("}") {
                members.push(self.layout_member(kind)?);
            }
            return Ok(Layout { kind, strict, resource, subtype, members, span });
        }
    }

    fn layout_member(&mut self, kind: LayoutKind) -> Result<LayoutMember, Error> {
        let attributes = self.attributes()?;
        let span = self.span();
        let ordinal = if matches!(kind, LayoutKind::Table | LayoutKind::Union) {
            let ordinal = match self.peek().clone() {
                TokenKind::Number(text) => {
                    let value = parse_unsigned(&text)
                        .filter(|v| *v >= 1 && *v <= u64::from(u32::MAX))
                        .ok_or_else(|| Error::new(&span, format!("invalid ordinal '{text}'")))?;
                    self.advance();
                    value
                }
                _ => return Err(self.unexpected("ordinal")),
            };
            self.expect_punct(":")?;
            if self.is_word("reserved") && matches!(self.peek_at(1), TokenKind::Punct(";")) {
                self.advance();
                self.advance();
                return Ok(LayoutMember {
                    attributes,
                    name: String::new(),
                    span,
                    ordinal: Some(ordinal),
                    ty: None,
                    value: None,
                    reserved: true,
                });
            }
            Some(ordinal)
        } else {
            None
        };
        let (name, span) = self.ident()?;
        let (ty, value) = match kind {
            LayoutKind::Enum | LayoutKind::Bits => {
                self.expect_punct("=")?;
                (None, Some(self.constant()?))
            }
            LayoutKind::Struct => {
                let ty = self.type_ctor()?;
                let default = if self.eat_punct("=") { Some(self.constant()?) } else { None };
                (Some(ty), default)
            }
            LayoutKind::Table | LayoutKind::Union => (Some(self.type_ctor()?), None),
        };
        self.expect_punct(";")?;
        Ok(LayoutMember { attributes, name, span, ordinal, ty, value, reserved: false })
    }

    fn type_ctor(&mut self) -> Result<TypeCtor, Error> {
        let span = self.span();
        let attributes = self.attributes()?;
        let target = if self.at_layout() {
            TypeTarget::Layout { attributes, layout: Box::new(self.layout()?) }
        } else {
            if let Some(a) = attributes.first() {
                return Err(Error::new(&a.span, "attributes are only allowed on inline layouts"));
            }
            TypeTarget::Named(self.compound_name()?)
        };
        let mut params = Vec::new();
        if matches!(target, TypeTarget::Named(_)) && self.eat_punct("<") {
            loop {
                let starts_constant = matches!(
                    self.peek(),
                    TokenKind::Number(_) | TokenKind::Str(_) | TokenKind::Punct("-")
                );
                params.push(if starts_constant {
                    TypeParam::Const(self.constant()?)
                } else {
                    TypeParam::Type(self.type_ctor()?)
                });
                if !self.eat_punct(",") {
                    break;
                }
            }
            self.expect_punct(">")?;
        }
        let mut constraints = Vec::new();
        if self.eat_punct(":") {
            if self.eat_punct("<") {
                loop {
                    constraints.push(self.constant()?);
                    if !self.eat_punct(",") {
                        break;
                    }
                }
                self.expect_punct(">")?;
            } else {
                constraints.push(self.constant()?);
            }
        }
        Ok(TypeCtor { span, target, params, constraints })
    }

    fn constant(&mut self) -> Result<Constant, Error> {
        let first = self.constant_term()?;
        if self.is_punct("|") {
            self.advance();
            let rest = self.constant()?;
            return Ok(Constant::Or(Box::new(first), Box::new(rest)));
        }
        Ok(first)
    }

    fn constant_term(&mut self) -> Result<Constant, Error> {
        let span = self.span();
        match self.peek().clone() {
            TokenKind::Number(text) => {
                self.advance();
                Ok(Constant::Literal { value: Literal::Number(text), span })
            }
            TokenKind::Punct("-") => {
                self.advance();
                match self.peek().clone() {
                    TokenKind::Number(text) => {
                        self.advance();
                        Ok(Constant::Literal { value: Literal::Number(format!("-{text}")), span })
                    }
                    _ => Err(self.unexpected("number")),
                }
            }
            TokenKind::Str(s) => {
                self.advance();
                Ok(Constant::Literal { value: Literal::Str(s), span })
            }
            TokenKind::Ident(w) if w == "true" || w == "false" => {
                self.advance();
                Ok(Constant::Literal { value: Literal::Bool(w == "true"), span })
            }
            TokenKind::Ident(_) => Ok(Constant::Name(self.compound_name()?)),
            _ => Err(self.unexpected("constant")),
        }
    }

    fn protocol_body(&mut self) -> Result<Vec<ProtocolMember>, Error> {
        self.expect_punct("{")?;
        let mut members = Vec::new();
        while !self.eat_punct("}") {
            let attributes = self.attributes()?;
            if self.is_word("compose") && matches!(self.peek_at(1), TokenKind::Ident(_)) {
                self.advance();
                let name = self.compound_name()?;
                self.expect_punct(";")?;
                members.push(ProtocolMember::Compose { name });
                continue;
            }
            let mut strict = None;
            if let (
                Some(w @ ("strict" | "flexible")),
                TokenKind::Ident(_) | TokenKind::Punct("->"),
            ) = (self.word_at(0), self.peek_at(1))
            {
                strict = Some(w == "strict");
                self.advance();
            }
            members.push(ProtocolMember::Method(Box::new(self.method(attributes, strict)?)));
        }
        Ok(members)
    }

    fn method(
        &mut self,
        attributes: Vec<Attribute>,
        strict: Option<bool>,
    ) -> Result<Method, Error> {
        let is_event = self.eat_punct("->");
        let (name, span) = self.ident()?;
        let payload = self.payload()?;
        let (request, mut response) =
            if is_event { (None, Some(payload)) } else { (Some(payload), None) };
        if !is_event && self.eat_punct("->") {
            response = Some(self.payload()?);
        }
        let error = if response.is_some() && self.is_word("error") {
            self.advance();
            Some(self.type_ctor()?)
        } else {
            None
        };
        self.expect_punct(";")?;
        Ok(Method { attributes, name, span, strict, request, response, error })
    }

    fn payload(&mut self) -> Result<Option<TypeCtor>, Error> {
        self.expect_punct("(")?;
        if self.eat_punct(")") {
            return Ok(None);
        }
        let ty = self.type_ctor()?;
        self.expect_punct(")")?;
        Ok(Some(ty))
    }

    fn resource_body(&mut self) -> Result<DeclKind, Error> {
        let subtype = if self.eat_punct(":") {
            self.type_ctor()?
        } else {
            let span = self.span();
            TypeCtor {
                span: span.clone(),
                target: TypeTarget::Named(CompoundName { parts: vec!["uint32".to_string()], span }),
                params: Vec::new(),
                constraints: Vec::new(),
            }
        };
        self.expect_punct("{")?;
        self.expect_word("properties")?;
        self.expect_punct("{")?;
        let mut properties = Vec::new();
        while !self.eat_punct("}") {
            self.attributes()?;
            let (name, _) = self.ident()?;
            let ty = self.type_ctor()?;
            self.expect_punct(";")?;
            properties.push(ResourceProperty { name, ty });
        }
        self.expect_punct(";")?;
        self.expect_punct("}")?;
        Ok(DeclKind::Resource { subtype, properties })
    }

    fn service_body(&mut self) -> Result<Vec<ServiceMember>, Error> {
        self.expect_punct("{")?;
        let mut members = Vec::new();
        while !self.eat_punct("}") {
            self.attributes()?;
            self.ident()?;
            let ty = self.type_ctor()?;
            self.expect_punct(";")?;
            members.push(ServiceMember { ty });
        }
        Ok(members)
    }
}

/// Parses a non-negative integer literal (decimal, `0x` hex or `0b` binary).
pub fn parse_unsigned(text: &str) -> Option<u64> {
    let text = text.replace('_', "");
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        u64::from_str_radix(hex, 16).ok()
    } else if let Some(bin) = text.strip_prefix("0b").or_else(|| text.strip_prefix("0B")) {
        u64::from_str_radix(bin, 2).ok()
    } else {
        text.parse().ok()
    }
}
