# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_eksflow_global_optspecs
    string join \n h/help V/version
end

function __fish_eksflow_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_eksflow_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_eksflow_using_subcommand
    set -l cmd (__fish_eksflow_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c eksflow -n "__fish_eksflow_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c eksflow -n "__fish_eksflow_needs_command" -s V -l version -d 'Print version'
complete -c eksflow -n "__fish_eksflow_needs_command" -f -a "check" -d 'Analyse scenarios in their own endpoint mode (or --mode) and print a flow table'
complete -c eksflow -n "__fish_eksflow_needs_command" -f -a "compare" -d 'Show every client under all three endpoint modes side by side'
complete -c eksflow -n "__fish_eksflow_needs_command" -f -a "trace" -d 'Show the hop-by-hop path of one client to every resolved address'
complete -c eksflow -n "__fish_eksflow_needs_command" -f -a "lint" -d 'Lint scenario files and directories for CI: findings with file, line and column'
complete -c eksflow -n "__fish_eksflow_needs_command" -f -a "import" -d 'Write scenarios from Terraform plans or state, eksctl configs, CloudFormation templates or AWS CLI output: `eksflow import [terraform|eksctl|cloudformation|aws] SOURCE`'
complete -c eksflow -n "__fish_eksflow_needs_command" -f -a "serve" -d 'Answer DNS for the endpoint name as one client\'s resolver chain would, on loopback: `dig @127.0.0.1 -p 5353 NAME` gets the simulated answer'
complete -c eksflow -n "__fish_eksflow_needs_command" -f -a "completions" -d 'Print shell completions: `eksflow completions bash > /etc/bash_completion.d/eksflow`'
complete -c eksflow -n "__fish_eksflow_needs_command" -f -a "man" -d 'Print the man page (roff), generated from the same definitions as `--help`'
complete -c eksflow -n "__fish_eksflow_needs_command" -f -a "rules" -d 'List the lint rules, or explain one: `eksflow rules EKS003`'
complete -c eksflow -n "__fish_eksflow_needs_command" -f -a "diff" -d 'What a change does to API access: `eksflow diff BEFORE AFTER`, or `eksflow diff PLAN` for a Terraform plan\'s prior state against its planned values. Exit 1 when the change breaks a flow or an expectation, or adds an error finding'
complete -c eksflow -n "__fish_eksflow_needs_command" -f -a "resolve" -d 'Answer the endpoint name as one client\'s DNS would, dig-style'
complete -c eksflow -n "__fish_eksflow_needs_command" -f -a "graph" -d 'Draw the scenario\'s topology — VPCs and their subnets, gateways, connections, networks, DNS servers and forwarding, the endpoint\'s public and private sides — with each client coloured by its verdict. Mermaid renders on GitHub and GitLab; DOT is for Graphviz (`eksflow graph FILE --format dot | dot -Tsvg > topology.svg`)'
complete -c eksflow -n "__fish_eksflow_needs_command" -f -a "schema" -d 'Print the JSON Schema (2020-12) of the scenario format, for editors: the same file as docs/scenario.schema.json'
complete -c eksflow -n "__fish_eksflow_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c eksflow -n "__fish_eksflow_using_subcommand check" -l mode -d 'Analyse in this endpoint mode instead of the scenario\'s own' -r -f -a "public\t''
public-and-private\t''
private\t''"
complete -c eksflow -n "__fish_eksflow_using_subcommand check" -l format -r -f -a "table\t''
json\t''
markdown\t''"
complete -c eksflow -n "__fish_eksflow_using_subcommand check" -l clients -d 'Merge clients (and their networks and DNS servers) from this file' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand check" -s h -l help -d 'Print help'
complete -c eksflow -n "__fish_eksflow_using_subcommand compare" -l format -r -f -a "table\t''
json\t''
markdown\t''"
complete -c eksflow -n "__fish_eksflow_using_subcommand compare" -l clients -d 'Merge clients (and their networks and DNS servers) from this file' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand compare" -s h -l help -d 'Print help'
complete -c eksflow -n "__fish_eksflow_using_subcommand trace" -l client -d 'The client\'s name' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand trace" -l mode -r -f -a "public\t''
public-and-private\t''
private\t''"
complete -c eksflow -n "__fish_eksflow_using_subcommand trace" -l format -r -f -a "text\t''
json\t''"
complete -c eksflow -n "__fish_eksflow_using_subcommand trace" -l clients -d 'Merge clients (and their networks and DNS servers) from this file' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand trace" -s h -l help -d 'Print help'
complete -c eksflow -n "__fish_eksflow_using_subcommand lint" -l exclude -d 'Skip paths matching this glob (gitignore syntax; repeatable)' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand lint" -l format -r -f -a "text\t''
json\t''
sarif\t''
junit\t''
github\t''
markdown\t''"
complete -c eksflow -n "__fish_eksflow_using_subcommand lint" -l select -d 'Report only these codes or code prefixes (`EKS003,EKS01`)' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand lint" -l ignore -d 'Never report these codes or code prefixes' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand lint" -l deny -d 'Make warnings fail the run too (exit 1)' -r -f -a "warnings\t''"
complete -c eksflow -n "__fish_eksflow_using_subcommand lint" -l clients -d 'Merge clients (and their networks and DNS servers) from this file' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand lint" -l no-ignore -d 'Lint files that `.gitignore`, `.ignore` and git\'s excludes would skip'
complete -c eksflow -n "__fish_eksflow_using_subcommand lint" -s q -l quiet -d 'Print findings only: no summary line'
complete -c eksflow -n "__fish_eksflow_using_subcommand lint" -s h -l help -d 'Print help'
complete -c eksflow -n "__fish_eksflow_using_subcommand import" -s o -l output -d 'Write here instead of standard output. A directory — one that exists, or a path ending in `/`, created if needed — gets one file per cluster (CLUSTER.yaml); any other path is one file, holding a YAML stream of one document per cluster when the source has several' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand import" -l cluster -d 'Import only this cluster' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand import" -l clients -d 'Merge clients (and their networks and DNS servers) from this file' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand import" -s h -l help -d 'Print help'
complete -c eksflow -n "__fish_eksflow_using_subcommand serve" -l client -d 'The client whose answer to serve' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand serve" -l mode -r -f -a "public\t''
public-and-private\t''
private\t''"
complete -c eksflow -n "__fish_eksflow_using_subcommand serve" -l listen -d 'Address and port to listen on, UDP and TCP (port 0 picks a free one)' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand serve" -l max-queries -d 'Stop after answering this many queries' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand serve" -l clients -d 'Merge clients (and their networks and DNS servers) from this file' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand serve" -s h -l help -d 'Print help'
complete -c eksflow -n "__fish_eksflow_using_subcommand completions" -s h -l help -d 'Print help'
complete -c eksflow -n "__fish_eksflow_using_subcommand man" -s h -l help -d 'Print help'
complete -c eksflow -n "__fish_eksflow_using_subcommand rules" -l format -d '`markdown` prints the catalogue page (docs/rules.md)' -r -f -a "text\t''
markdown\t''"
complete -c eksflow -n "__fish_eksflow_using_subcommand rules" -s h -l help -d 'Print help'
complete -c eksflow -n "__fish_eksflow_using_subcommand diff" -l format -r -f -a "table\t''
json\t''
markdown\t''"
complete -c eksflow -n "__fish_eksflow_using_subcommand diff" -l clients -d 'Merge clients (and their networks and DNS servers) from this file' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand diff" -s h -l help -d 'Print help'
complete -c eksflow -n "__fish_eksflow_using_subcommand resolve" -l client -d 'The client\'s name' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand resolve" -l mode -r -f -a "public\t''
public-and-private\t''
private\t''"
complete -c eksflow -n "__fish_eksflow_using_subcommand resolve" -l clients -d 'Merge clients (and their networks and DNS servers) from this file' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand resolve" -l short -d 'Print only the addresses, like `dig +short`'
complete -c eksflow -n "__fish_eksflow_using_subcommand resolve" -s h -l help -d 'Print help'
complete -c eksflow -n "__fish_eksflow_using_subcommand graph" -l mode -d 'Colour the clients by their verdicts in this endpoint mode instead of the scenario\'s own' -r -f -a "public\t''
public-and-private\t''
private\t''"
complete -c eksflow -n "__fish_eksflow_using_subcommand graph" -l format -r -f -a "mermaid\t'A Mermaid flowchart (GitHub and GitLab render it in Markdown)'
dot\t'A Graphviz DOT digraph'"
complete -c eksflow -n "__fish_eksflow_using_subcommand graph" -l clients -d 'Merge clients (and their networks and DNS servers) from this file' -r
complete -c eksflow -n "__fish_eksflow_using_subcommand graph" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c eksflow -n "__fish_eksflow_using_subcommand schema" -s h -l help -d 'Print help'
complete -c eksflow -n "__fish_eksflow_using_subcommand help; and not __fish_seen_subcommand_from check compare trace lint import serve completions man rules diff resolve graph schema help" -f -a "check" -d 'Analyse scenarios in their own endpoint mode (or --mode) and print a flow table'
complete -c eksflow -n "__fish_eksflow_using_subcommand help; and not __fish_seen_subcommand_from check compare trace lint import serve completions man rules diff resolve graph schema help" -f -a "compare" -d 'Show every client under all three endpoint modes side by side'
complete -c eksflow -n "__fish_eksflow_using_subcommand help; and not __fish_seen_subcommand_from check compare trace lint import serve completions man rules diff resolve graph schema help" -f -a "trace" -d 'Show the hop-by-hop path of one client to every resolved address'
complete -c eksflow -n "__fish_eksflow_using_subcommand help; and not __fish_seen_subcommand_from check compare trace lint import serve completions man rules diff resolve graph schema help" -f -a "lint" -d 'Lint scenario files and directories for CI: findings with file, line and column'
complete -c eksflow -n "__fish_eksflow_using_subcommand help; and not __fish_seen_subcommand_from check compare trace lint import serve completions man rules diff resolve graph schema help" -f -a "import" -d 'Write scenarios from Terraform plans or state, eksctl configs, CloudFormation templates or AWS CLI output: `eksflow import [terraform|eksctl|cloudformation|aws] SOURCE`'
complete -c eksflow -n "__fish_eksflow_using_subcommand help; and not __fish_seen_subcommand_from check compare trace lint import serve completions man rules diff resolve graph schema help" -f -a "serve" -d 'Answer DNS for the endpoint name as one client\'s resolver chain would, on loopback: `dig @127.0.0.1 -p 5353 NAME` gets the simulated answer'
complete -c eksflow -n "__fish_eksflow_using_subcommand help; and not __fish_seen_subcommand_from check compare trace lint import serve completions man rules diff resolve graph schema help" -f -a "completions" -d 'Print shell completions: `eksflow completions bash > /etc/bash_completion.d/eksflow`'
complete -c eksflow -n "__fish_eksflow_using_subcommand help; and not __fish_seen_subcommand_from check compare trace lint import serve completions man rules diff resolve graph schema help" -f -a "man" -d 'Print the man page (roff), generated from the same definitions as `--help`'
complete -c eksflow -n "__fish_eksflow_using_subcommand help; and not __fish_seen_subcommand_from check compare trace lint import serve completions man rules diff resolve graph schema help" -f -a "rules" -d 'List the lint rules, or explain one: `eksflow rules EKS003`'
complete -c eksflow -n "__fish_eksflow_using_subcommand help; and not __fish_seen_subcommand_from check compare trace lint import serve completions man rules diff resolve graph schema help" -f -a "diff" -d 'What a change does to API access: `eksflow diff BEFORE AFTER`, or `eksflow diff PLAN` for a Terraform plan\'s prior state against its planned values. Exit 1 when the change breaks a flow or an expectation, or adds an error finding'
complete -c eksflow -n "__fish_eksflow_using_subcommand help; and not __fish_seen_subcommand_from check compare trace lint import serve completions man rules diff resolve graph schema help" -f -a "resolve" -d 'Answer the endpoint name as one client\'s DNS would, dig-style'
complete -c eksflow -n "__fish_eksflow_using_subcommand help; and not __fish_seen_subcommand_from check compare trace lint import serve completions man rules diff resolve graph schema help" -f -a "graph" -d 'Draw the scenario\'s topology — VPCs and their subnets, gateways, connections, networks, DNS servers and forwarding, the endpoint\'s public and private sides — with each client coloured by its verdict. Mermaid renders on GitHub and GitLab; DOT is for Graphviz (`eksflow graph FILE --format dot | dot -Tsvg > topology.svg`)'
complete -c eksflow -n "__fish_eksflow_using_subcommand help; and not __fish_seen_subcommand_from check compare trace lint import serve completions man rules diff resolve graph schema help" -f -a "schema" -d 'Print the JSON Schema (2020-12) of the scenario format, for editors: the same file as docs/scenario.schema.json'
complete -c eksflow -n "__fish_eksflow_using_subcommand help; and not __fish_seen_subcommand_from check compare trace lint import serve completions man rules diff resolve graph schema help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
