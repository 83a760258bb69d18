/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parser for Falco conditions (libsinsp filter language).
 *
 * EBNF, after libsinsp's filter/parser.h:
 *
 *   Expr        ::= OrExpr
 *   OrExpr      ::= AndExpr ('or' AndExpr)*
 *   AndExpr     ::= NotExpr ('and' NotExpr)*
 *   NotExpr     ::= 'not' NotExpr | Primary
 *   Primary     ::= '(' Expr ')' | Identifier | Check
 *   Check       ::= Lhs 'exists'
 *                 | Lhs NumOp (Number | Transformer | Val)
 *                 | Lhs StrOp (StrValue | Transformer | Val)
 *                 | Lhs StrOp Modifier ListValue
 *                 | Lhs ListOp (ListValue | Transformer | Val)
 *   Lhs         ::= Field | Transformer
 *   Transformer ::= ('tolower(' | 'toupper(' | 'b64(' | 'basename(' | 'len('
 *                   | 'getopt(') XArg ')'
 *                 | 'join(' QuotedStr ',' '(' Items? ')' ')'
 *                 | 'concat(' '(' Items? ')' ')'
 *   XArg        ::= Field | Transformer
 *   Items       ::= Item (',' Item)*
 *   Item        ::= Field | Transformer | QuotedStr | Number
 *   Val         ::= 'val(' Field ')'
 *   ListValue   ::= '(' (StrValue (',' StrValue)*)? ')' | Identifier
 *   Field       ::= FieldName ('[' (QuotedStr | ArgBareStr) ']')?
 *   StrValue    ::= QuotedStr | BareStr
 *   Modifier    ::= 'oneof' | 'anyof' | 'allof'
 *
 * Operators: exists; < <= > >=; = == != contains icontains bcontains
 * startswith bstartswith endswith glob iglob regex; in intersects pmatch.
 * Token regexes and the blank rules after keywords live in lexer.l.
 *
 * Deviations from libsinsp, all deliberate:
 *   - `regex` is accepted as a string operator (libsinsp has it in its
 *     operator list; its test vectors never use it).
 *   - `getopt(` and `concat(` follow the shapes above; the postfix
 *     `[arg]` after a transformer's ')' is not supported.
 *   - Nesting of '(' groups is capped at PARSE_MAX_NESTING (1000, Falco's
 *     setting) with a dedicated diagnostic rather than a stack overflow.
 *   - `\xHH` escapes are decoded (newer libsinsp); older ones reject them.
 */
%code requires {
#include "parse_impl.h"
typedef void *yyscan_t;
}

%define api.pure full
%define api.prefix {fc_yy}
%define parse.error detailed
%define api.location.type {fc_yyltype}
%locations
%expect 0

%param {yyscan_t scanner}
%parse-param {struct parse_ctx *pc}

%union {
	struct tok tok;
	struct ast *node;
}

%code {
#include <string.h>

#include "lexer.yy.h"

static void fc_yyerror(FC_YYLTYPE *loc, yyscan_t scanner, struct parse_ctx *pc, const char *msg);

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                                                \
	do {                                                                                       \
		if (N) {                                                                           \
			(Cur).off = YYRHSLOC(Rhs, 1).off;                                          \
			(Cur).end = YYRHSLOC(Rhs, N).end;                                          \
		} else {                                                                           \
			(Cur).off = (Cur).end = YYRHSLOC(Rhs, 0).end;                              \
		}                                                                                  \
	} while (0)

/* 1000 groups need ~3000 stack entries; leave room for long not-chains. */
#define YYMAXDEPTH 100000

static struct ast *node(struct parse_ctx *pc, enum ast_kind kind, const fc_yyltype *l)
{
	struct loc loc;

	parse_loc(pc, l->off, &loc);
	return ast_new(pc->arena, kind, &loc);
}

/* Build an n-ary and/or, flattening a left chain of the same kind. */
static struct ast *chain(struct parse_ctx *pc, enum ast_kind kind, struct ast *l, struct ast *r,
			 const fc_yyltype *loc)
{
	if (l->kind == kind && !l->paren) {
		ast_add_kid(pc->arena, l, r);
		return l;
	}
	struct ast *n = node(pc, kind, loc);
	ast_add_kid(pc->arena, n, l);
	ast_add_kid(pc->arena, n, r);
	return n;
}

static struct ast *field(struct parse_ctx *pc, const struct tok *t, const fc_yyltype *l)
{
	struct ast *n = node(pc, AST_FIELD, l);

	n->name = t->s;
	n->arg = t->arg;
	n->arg_quoted = t->arg_quoted;
	return n;
}

static struct ast *value(struct parse_ctx *pc, const struct tok *t, const fc_yyltype *l)
{
	struct ast *n = node(pc, AST_VALUE, l);

	n->str = t->s;
	n->quoted = t->quoted;
	return n;
}

static struct ast *check(struct parse_ctx *pc, struct ast *lhs, const struct tok *op, int mod,
			 struct ast *rhs, const fc_yyltype *l)
{
	struct ast *n = node(pc, rhs ? AST_BINARY : AST_UNARY, l);

	n->lhs = lhs;
	n->op = op->op;
	n->mod = mod;
	n->rhs = rhs;
	return n;
}
}

%token END 0 "end of condition"
%token AND "'and'" OR "'or'" NOT "'not'"
%token LPAREN "'('" RPAREN "')'" COMMA "','"
%token <tok> IDENT "identifier" FIELD "field" VALUE "value" NUMBER "number"
%token <tok> UNOP "exists" NUMOP "numeric operator" STROP "string operator"
%token <tok> LISTOP "list operator" MOD "list modifier"
%token <tok> XFORM "transformer" VALFN "'val('"

%type <node> expr or_expr and_expr not_expr primary check lhs transformer xarg
%type <node> items item_list item val str_rhs num_rhs list_rhs list_lit values
%type <tok> qstr

%%

start:
	  expr                      { pc->result = $1; }
	;

expr:
	  or_expr
	;

or_expr:
	  and_expr
	| or_expr "'or'" and_expr     { $$ = chain(pc, AST_OR, $1, $3, &@$); }
	;

and_expr:
	  not_expr
	| and_expr "'and'" not_expr   { $$ = chain(pc, AST_AND, $1, $3, &@$); }
	;

not_expr:
	  primary
	| "'not'" not_expr            { $$ = node(pc, AST_NOT, &@$); ast_add_kid(pc->arena, $$, $2); }
	;

primary:
	  "'('" expr "')'"              {
		/* A group is one operand: (a or b) or c is or(or(a, b), c),
		 * as in libsinsp, so chain() must not flatten into it. */
		$$ = $2;
		$$->paren = true;
	  }
	| IDENT                     { $$ = node(pc, AST_MACRO, &@$); $$->name = $1.s; }
	| check
	;

check:
	  lhs UNOP                  { $$ = check(pc, $1, &$2, MOD_NONE, NULL, &@$); }
	| lhs NUMOP num_rhs         { $$ = check(pc, $1, &$2, MOD_NONE, $3, &@$); }
	| lhs STROP str_rhs         { $$ = check(pc, $1, &$2, MOD_NONE, $3, &@$); }
	| lhs STROP MOD list_rhs    { $$ = check(pc, $1, &$2, $3.mod, $4, &@$); }
	| lhs LISTOP list_rhs       { $$ = check(pc, $1, &$2, MOD_NONE, $3, &@$); }
	| lhs LISTOP transformer    { $$ = check(pc, $1, &$2, MOD_NONE, $3, &@$); }
	| lhs LISTOP val            { $$ = check(pc, $1, &$2, MOD_NONE, $3, &@$); }
	;

lhs:
	  FIELD                     { $$ = field(pc, &$1, &@$); }
	| transformer
	;

num_rhs:
	  NUMBER                    { $$ = value(pc, &$1, &@$); }
	| transformer
	| val
	;

str_rhs:
	  VALUE                     { $$ = value(pc, &$1, &@$); }
	| transformer
	| val
	;

list_rhs:
	  list_lit
	| IDENT                     { $$ = node(pc, AST_LISTREF, &@$); $$->name = $1.s; }
	;

list_lit:
	  "'('" "')'"                   { $$ = node(pc, AST_LIST, &@$); }
	| "'('" values "')'"            { $$ = $2; parse_loc(pc, @1.off, &$$->loc); }
	;

values:
	  VALUE                     {
		$$ = node(pc, AST_LIST, &@$);
		ast_add_kid(pc->arena, $$, value(pc, &$1, &@1));
	  }
	| values "','" VALUE          { $$ = $1; ast_add_kid(pc->arena, $$, value(pc, &$3, &@3)); }
	;

val:
	  VALFN FIELD "')'"           { $$ = node(pc, AST_VAL, &@$); ast_add_kid(pc->arena, $$, field(pc, &$2, &@2)); }
	;

transformer:
	  XFORM xarg "')'"            {
		if (!strcmp($1.s, "join") || !strcmp($1.s, "concat")) {
			pc->lex_error = arena_printf(pc->arena, "%s() takes a list of values", $1.s);
			pc->lex_error_off = @1.off;
			YYERROR;
		}
		$$ = node(pc, AST_TRANSFORMER, &@$);
		$$->name = $1.s;
		ast_add_kid(pc->arena, $$, $2);
	  }
	| XFORM qstr "','" items "')'"  {
		if (strcmp($1.s, "join")) {
			pc->lex_error = arena_printf(pc->arena, "%s() does not take a separator", $1.s);
			pc->lex_error_off = @1.off;
			YYERROR;
		}
		$$ = node(pc, AST_TRANSFORMER, &@$);
		$$->name = $1.s;
		ast_add_kid(pc->arena, $$, value(pc, &$2, &@2));
		ast_add_kid(pc->arena, $$, $4);
	  }
	| XFORM items "')'"           {
		if (strcmp($1.s, "concat")) {
			pc->lex_error = arena_printf(pc->arena, "%s() takes a field, not a list", $1.s);
			pc->lex_error_off = @1.off;
			YYERROR;
		}
		$$ = node(pc, AST_TRANSFORMER, &@$);
		$$->name = $1.s;
		ast_add_kid(pc->arena, $$, $2);
	  }
	;

xarg:
	  FIELD                     { $$ = field(pc, &$1, &@$); }
	| transformer
	;

qstr:
	  VALUE
	;

items:
	  "'('" "')'"                   { $$ = node(pc, AST_LIST, &@$); }
	| "'('" item_list "')'"         { $$ = $2; }
	;

item_list:
	  item                      { $$ = node(pc, AST_LIST, &@$); ast_add_kid(pc->arena, $$, $1); }
	| item_list "','" item        { $$ = $1; ast_add_kid(pc->arena, $$, $3); }
	;

item:
	  FIELD                     { $$ = field(pc, &$1, &@$); }
	| transformer
	| VALUE                     { $$ = value(pc, &$1, &@$); }
	| NUMBER                    { $$ = value(pc, &$1, &@$); }
	;

%%

void parse_loc(struct parse_ctx *pc, uint32_t off, struct loc *out)
{
	const struct parse_src *src = pc->src;

	if (src->map || !pc->line_starts) {
		parse_src_loc(src, off, out);
		return;
	}
	/* every node asks: binary search, never a rescan from the start */
	if (off > src->len)
		off = (uint32_t)src->len;
	uint32_t lo = 0, hi = pc->nlines;
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;
		if (pc->line_starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	out->file = src->file;
	out->line = lo + 1;
	out->col = off - pc->line_starts[lo] + 1;
	out->off = off;
}

static void parse_build_lines(struct parse_ctx *pc)
{
	const struct parse_src *src = pc->src;
	uint32_t n = 1;

	for (size_t i = 0; i < src->len; i++)
		n += src->text[i] == '\n';
	pc->line_starts = ARENA_NEWN(pc->arena, uint32_t, n);
	n = 1;
	for (size_t i = 0; i < src->len; i++)
		if (src->text[i] == '\n')
			pc->line_starts[n++] = (uint32_t)(i + 1);
	pc->nlines = n;
}

void parse_src_loc(const struct parse_src *src, uint32_t off, struct loc *out)
{
	if (off > src->len)
		off = (uint32_t)src->len;
	if (src->map) {
		src->map(src->map_ctx, off, out);
		return;
	}
	uint32_t line = 1, col = 1;
	for (uint32_t i = 0; i < off; i++) {
		if (src->text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	out->file = src->file;
	out->line = line;
	out->col = col;
	out->off = off;
}

static void fc_yyerror(FC_YYLTYPE *l, yyscan_t scanner, struct parse_ctx *pc, const char *msg)
{
	struct loc loc;
	(void)scanner;

	if (pc->failed)
		return;
	pc->failed = true;
	if (pc->nesting_exceeded) {
		parse_loc(pc, l->off, &loc);
		diag_report(pc->diag, DIAG_NESTING, &loc,
			    "condition nested more than %d levels deep", PARSE_MAX_NESTING);
		return;
	}
	if (pc->lex_error) {
		parse_loc(pc, pc->lex_error_off, &loc);
		diag_report(pc->diag, DIAG_SYNTAX, &loc, "%s", pc->lex_error);
		return;
	}
	if (!strcmp(msg, "memory exhausted")) {
		parse_loc(pc, l->off, &loc);
		diag_report(pc->diag, DIAG_NESTING, &loc, "condition nested too deeply");
		return;
	}
	if (pc->bad_text && pc->bad_off == l->off) {
		parse_loc(pc, l->off, &loc);
		const char *m = msg;
		/* bison: "syntax error, unexpected invalid token, expecting X" */
		const char *exp = strstr(m, ", expecting ");
		diag_report(pc->diag, DIAG_SYNTAX, &loc, "unexpected '%s'%s%s", pc->bad_text,
			    exp ? "; expected " : "", exp ? exp + 12 : "");
		return;
	}
	parse_loc(pc, l->off, &loc);
	if (!strncmp(msg, "syntax error, ", 14))
		msg += 14;
	if (l->off == 0 && !strncmp(msg, "unexpected end of condition", 27)) {
		diag_report(pc->diag, DIAG_SYNTAX, &loc, "empty condition");
		return;
	}
	diag_report(pc->diag, DIAG_SYNTAX, &loc, "%s", msg);
}

struct ast *parse_condition(struct arena *a, struct diag_ctx *d, const struct parse_src *src)
{
	struct parse_ctx pc = {
		.arena = a,
		.diag = d,
		.src = src,
	};
	yyscan_t scanner;
	struct loc loc;

	if (!src->map)
		parse_build_lines(&pc);
	if (fc_yylex_init_extra(&pc, &scanner)) {
		parse_loc(&pc, 0, &loc);
		diag_report(d, DIAG_SYNTAX, &loc, "cannot initialise the scanner");
		return NULL;
	}
	YY_BUFFER_STATE buf = fc_yy_scan_bytes(src->text, (int)src->len, scanner);
	int rc = fc_yyparse(scanner, &pc);
	fc_yy_delete_buffer(buf, scanner);
	fc_yylex_destroy(scanner);

	if (rc == 0 && pc.result)
		return pc.result;
	if (!pc.failed) {
		/* YYERROR from an action after setting lex_error */
		parse_loc(&pc, pc.lex_error ? pc.lex_error_off : 0, &loc);
		diag_report(d, DIAG_SYNTAX, &loc, "%s", pc.lex_error ? pc.lex_error : "syntax error");
	}
	return NULL;
}
