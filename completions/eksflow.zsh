#compdef eksflow

autoload -U is-at-least

_eksflow() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_eksflow_commands" \
"*::: :->eksflow" \
&& ret=0
    case $state in
    (eksflow)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:eksflow-command-$line[1]:"
        case $line[1] in
            (check)
_arguments "${_arguments_options[@]}" : \
'--mode=[Analyse in this endpoint mode instead of the scenario'\''s own]:MODE:(public public-and-private private)' \
'--format=[]:FORMAT:(table json markdown)' \
'--clients=[Merge clients (and their networks and DNS servers) from this file]:FILE:_default' \
'-h[Print help]' \
'--help[Print help]' \
'*::files -- Scenarios, eksctl configs, Terraform plans or state, CloudFormation templates, or directories of AWS CLI output (`-` for standard input):_default' \
&& ret=0
;;
(compare)
_arguments "${_arguments_options[@]}" : \
'--format=[]:FORMAT:(table json markdown)' \
'--clients=[Merge clients (and their networks and DNS servers) from this file]:FILE:_default' \
'-h[Print help]' \
'--help[Print help]' \
':file -- A scenario or any input `check` reads (`-` for standard input):_default' \
&& ret=0
;;
(trace)
_arguments "${_arguments_options[@]}" : \
'--client=[The client'\''s name]:CLIENT:_default' \
'--mode=[]:MODE:(public public-and-private private)' \
'--format=[]:FORMAT:(text json)' \
'--clients=[Merge clients (and their networks and DNS servers) from this file]:FILE:_default' \
'-h[Print help]' \
'--help[Print help]' \
':file -- A scenario or any input `check` reads (`-` for standard input):_default' \
&& ret=0
;;
(lint)
_arguments "${_arguments_options[@]}" : \
'*--exclude=[Skip paths matching this glob (gitignore syntax; repeatable)]:GLOB:_default' \
'--format=[]:FORMAT:(text json sarif junit github markdown)' \
'*--select=[Report only these codes or code prefixes (\`EKS003,EKS01\`)]:CODES:_default' \
'*--ignore=[Never report these codes or code prefixes]:CODES:_default' \
'--deny=[Make warnings fail the run too (exit 1)]:LEVEL:(warnings)' \
'--clients=[Merge clients (and their networks and DNS servers) from this file]:FILE:_default' \
'--no-ignore[Lint files that \`.gitignore\`, \`.ignore\` and git'\''s excludes would skip]' \
'-q[Print findings only\: no summary line]' \
'--quiet[Print findings only\: no summary line]' \
'-h[Print help]' \
'--help[Print help]' \
'*::paths -- Files and directories. Directories are walked for *.yaml, *.yml and *.json as ripgrep walks them (`.gitignore`, `.ignore` and hidden files honoured, symbolic links not followed); files that are no scenario or infrastructure file are skipped and counted. `-` for standard input:_default' \
&& ret=0
;;
(import)
_arguments "${_arguments_options[@]}" : \
'-o+[Write here instead of standard output. A directory — one that exists, or a path ending in \`/\`, created if needed — gets one file per cluster (CLUSTER.yaml); any other path is one file, holding a YAML stream of one document per cluster when the source has several]:FILE|DIR/:_default' \
'--output=[Write here instead of standard output. A directory — one that exists, or a path ending in \`/\`, created if needed — gets one file per cluster (CLUSTER.yaml); any other path is one file, holding a YAML stream of one document per cluster when the source has several]:FILE|DIR/:_default' \
'--cluster=[Import only this cluster]:CLUSTER:_default' \
'--clients=[Merge clients (and their networks and DNS servers) from this file]:FILE:_default' \
'-h[Print help]' \
'--help[Print help]' \
'*::args -- The kind of source (optional when it can be told from the content), then the source\: a file, `-` for standard input, or a directory of AWS CLI output:_default' \
&& ret=0
;;
(serve)
_arguments "${_arguments_options[@]}" : \
'--client=[The client whose answer to serve]:CLIENT:_default' \
'--mode=[]:MODE:(public public-and-private private)' \
'--listen=[Address and port to listen on, UDP and TCP (port 0 picks a free one)]:ADDR:PORT:_default' \
'--max-queries=[Stop after answering this many queries]:N:_default' \
'--clients=[Merge clients (and their networks and DNS servers) from this file]:FILE:_default' \
'-h[Print help]' \
'--help[Print help]' \
':file -- A scenario or any input `check` reads:_default' \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
'-h[Print help]' \
'--help[Print help]' \
':shell:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(rules)
_arguments "${_arguments_options[@]}" : \
'--format=[\`markdown\` prints the catalogue page (docs/rules.md)]:FORMAT:(text markdown)' \
'-h[Print help]' \
'--help[Print help]' \
'::code -- A rule code:_default' \
&& ret=0
;;
(diff)
_arguments "${_arguments_options[@]}" : \
'--format=[]:FORMAT:(table json markdown)' \
'--clients=[Merge clients (and their networks and DNS servers) from this file]:FILE:_default' \
'-h[Print help]' \
'--help[Print help]' \
':before -- The input before the change (or a Terraform plan, alone):_default' \
'::after -- The input after the change:_default' \
&& ret=0
;;
(resolve)
_arguments "${_arguments_options[@]}" : \
'--client=[The client'\''s name]:CLIENT:_default' \
'--mode=[]:MODE:(public public-and-private private)' \
'--clients=[Merge clients (and their networks and DNS servers) from this file]:FILE:_default' \
'--short[Print only the addresses, like \`dig +short\`]' \
'-h[Print help]' \
'--help[Print help]' \
':file -- A scenario or any input `check` reads (`-` for standard input):_default' \
&& ret=0
;;
(graph)
_arguments "${_arguments_options[@]}" : \
'--mode=[Colour the clients by their verdicts in this endpoint mode instead of the scenario'\''s own]:MODE:(public public-and-private private)' \
'--format=[]:FORMAT:((mermaid\:"A Mermaid flowchart (GitHub and GitLab render it in Markdown)"
dot\:"A Graphviz DOT digraph"))' \
'--clients=[Merge clients (and their networks and DNS servers) from this file]:FILE:_default' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
':file -- A scenario or any input `check` reads (`-` for standard input):_default' \
&& ret=0
;;
(schema)
_arguments "${_arguments_options[@]}" : \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_eksflow__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:eksflow-help-command-$line[1]:"
        case $line[1] in
            (check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(compare)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(trace)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(lint)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(import)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(serve)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(rules)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(diff)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(resolve)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(graph)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(schema)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_eksflow_commands] )) ||
_eksflow_commands() {
    local commands; commands=(
'check:Analyse scenarios in their own endpoint mode (or --mode) and print a flow table' \
'compare:Show every client under all three endpoint modes side by side' \
'trace:Show the hop-by-hop path of one client to every resolved address' \
'lint:Lint scenario files and directories for CI\: findings with file, line and column' \
'import:Write scenarios from Terraform plans or state, eksctl configs, CloudFormation templates or AWS CLI output\: \`eksflow import \[terraform|eksctl|cloudformation|aws\] SOURCE\`' \
'serve:Answer DNS for the endpoint name as one client'\''s resolver chain would, on loopback\: \`dig @127.0.0.1 -p 5353 NAME\` gets the simulated answer' \
'completions:Print shell completions\: \`eksflow completions bash > /etc/bash_completion.d/eksflow\`' \
'man:Print the man page (roff), generated from the same definitions as \`--help\`' \
'rules:List the lint rules, or explain one\: \`eksflow rules EKS003\`' \
'diff:What a change does to API access\: \`eksflow diff BEFORE AFTER\`, or \`eksflow diff PLAN\` for a Terraform plan'\''s prior state against its planned values. Exit 1 when the change breaks a flow or an expectation, or adds an error finding' \
'resolve:Answer the endpoint name as one client'\''s DNS would, dig-style' \
'graph:Draw the scenario'\''s topology — VPCs and their subnets, gateways, connections, networks, DNS servers and forwarding, the endpoint'\''s public and private sides — with each client coloured by its verdict. Mermaid renders on GitHub and GitLab; DOT is for Graphviz (\`eksflow graph FILE --format dot | dot -Tsvg > topology.svg\`)' \
'schema:Print the JSON Schema (2020-12) of the scenario format, for editors\: the same file as docs/scenario.schema.json' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'eksflow commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__check_commands] )) ||
_eksflow__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow check commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__compare_commands] )) ||
_eksflow__subcmd__compare_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow compare commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__completions_commands] )) ||
_eksflow__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow completions commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__diff_commands] )) ||
_eksflow__subcmd__diff_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow diff commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__graph_commands] )) ||
_eksflow__subcmd__graph_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow graph commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__help_commands] )) ||
_eksflow__subcmd__help_commands() {
    local commands; commands=(
'check:Analyse scenarios in their own endpoint mode (or --mode) and print a flow table' \
'compare:Show every client under all three endpoint modes side by side' \
'trace:Show the hop-by-hop path of one client to every resolved address' \
'lint:Lint scenario files and directories for CI\: findings with file, line and column' \
'import:Write scenarios from Terraform plans or state, eksctl configs, CloudFormation templates or AWS CLI output\: \`eksflow import \[terraform|eksctl|cloudformation|aws\] SOURCE\`' \
'serve:Answer DNS for the endpoint name as one client'\''s resolver chain would, on loopback\: \`dig @127.0.0.1 -p 5353 NAME\` gets the simulated answer' \
'completions:Print shell completions\: \`eksflow completions bash > /etc/bash_completion.d/eksflow\`' \
'man:Print the man page (roff), generated from the same definitions as \`--help\`' \
'rules:List the lint rules, or explain one\: \`eksflow rules EKS003\`' \
'diff:What a change does to API access\: \`eksflow diff BEFORE AFTER\`, or \`eksflow diff PLAN\` for a Terraform plan'\''s prior state against its planned values. Exit 1 when the change breaks a flow or an expectation, or adds an error finding' \
'resolve:Answer the endpoint name as one client'\''s DNS would, dig-style' \
'graph:Draw the scenario'\''s topology — VPCs and their subnets, gateways, connections, networks, DNS servers and forwarding, the endpoint'\''s public and private sides — with each client coloured by its verdict. Mermaid renders on GitHub and GitLab; DOT is for Graphviz (\`eksflow graph FILE --format dot | dot -Tsvg > topology.svg\`)' \
'schema:Print the JSON Schema (2020-12) of the scenario format, for editors\: the same file as docs/scenario.schema.json' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'eksflow help commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__help__subcmd__check_commands] )) ||
_eksflow__subcmd__help__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow help check commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__help__subcmd__compare_commands] )) ||
_eksflow__subcmd__help__subcmd__compare_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow help compare commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__help__subcmd__completions_commands] )) ||
_eksflow__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow help completions commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__help__subcmd__diff_commands] )) ||
_eksflow__subcmd__help__subcmd__diff_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow help diff commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__help__subcmd__graph_commands] )) ||
_eksflow__subcmd__help__subcmd__graph_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow help graph commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__help__subcmd__help_commands] )) ||
_eksflow__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow help help commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__help__subcmd__import_commands] )) ||
_eksflow__subcmd__help__subcmd__import_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow help import commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__help__subcmd__lint_commands] )) ||
_eksflow__subcmd__help__subcmd__lint_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow help lint commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__help__subcmd__man_commands] )) ||
_eksflow__subcmd__help__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow help man commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__help__subcmd__resolve_commands] )) ||
_eksflow__subcmd__help__subcmd__resolve_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow help resolve commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__help__subcmd__rules_commands] )) ||
_eksflow__subcmd__help__subcmd__rules_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow help rules commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__help__subcmd__schema_commands] )) ||
_eksflow__subcmd__help__subcmd__schema_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow help schema commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__help__subcmd__serve_commands] )) ||
_eksflow__subcmd__help__subcmd__serve_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow help serve commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__help__subcmd__trace_commands] )) ||
_eksflow__subcmd__help__subcmd__trace_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow help trace commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__import_commands] )) ||
_eksflow__subcmd__import_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow import commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__lint_commands] )) ||
_eksflow__subcmd__lint_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow lint commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__man_commands] )) ||
_eksflow__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow man commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__resolve_commands] )) ||
_eksflow__subcmd__resolve_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow resolve commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__rules_commands] )) ||
_eksflow__subcmd__rules_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow rules commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__schema_commands] )) ||
_eksflow__subcmd__schema_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow schema commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__serve_commands] )) ||
_eksflow__subcmd__serve_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow serve commands' commands "$@"
}
(( $+functions[_eksflow__subcmd__trace_commands] )) ||
_eksflow__subcmd__trace_commands() {
    local commands; commands=()
    _describe -t commands 'eksflow trace commands' commands "$@"
}

if [ "$funcstack[1]" = "_eksflow" ]; then
    _eksflow "$@"
else
    compdef _eksflow eksflow
fi
