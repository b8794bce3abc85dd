/**
 * The completion scripts: each shell hands the words up to the cursor to `berth __complete`, which
 * prints a first line saying what to offer (`values`, `files`, `dirs`) and then the values, one per
 * line (cli/completion/candidates.ts decides; cobra-generated kubectl completion works the same way).
 */
export function bashCompletion(program: string): string {
  const fn = `_${program}_completion`;
  return `# ${program} completion for bash: source <(${program} completion bash)
${fn}() {
  local line="\${COMP_LINE:0:COMP_POINT}" words cur out directive
  # Split the line ourselves: bash's COMP_WORDS would cut web:3 and --for=delete at : and =.
  read -r -a words <<< "$line"
  [[ "$line" == *" " ]] && words+=("")
  cur="\${words[-1]}"
  out="$(${program} __complete "\${words[@]:1}" 2>/dev/null)" || return 0
  directive="\${out%%$'\\n'*}"
  case "$directive" in
    files) COMPREPLY=( $(compgen -f -- "$cur") ) ;;
    dirs) COMPREPLY=( $(compgen -d -- "$cur") ) ;;
    values)
      local IFS=$'\\n'
      [[ "$out" == *$'\\n'* ]] && COMPREPLY=( \${out#*$'\\n'} ) || COMPREPLY=()
      # Bash replaces only the part of the word after its last : or =; offer that part.
      local cut="\${cur%"\${cur##*[:=]}"}"
      [[ -n "$cut" ]] && COMPREPLY=( "\${COMPREPLY[@]#"$cut"}" )
      ;;
  esac
}
complete -o nospace -F ${fn} ${program} 2>/dev/null || complete -F ${fn} ${program}
`;
}

export function zshCompletion(program: string): string {
  return `#compdef ${program}
# ${program} completion for zsh: source <(${program} completion zsh)
_${program}() {
  local -a out values
  out=("\${(@f)$(${program} __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  case "$out[1]" in
    files) _files ;;
    dirs) _files -/ ;;
    values) values=("\${(@)out[2,-1]}"); compadd -S '' -a values ;;
  esac
}
if (( \${+functions[compdef]} )); then compdef _${program} ${program}; fi
`;
}

export function fishCompletion(program: string): string {
  return `# ${program} completion for fish: ${program} completion fish | source
function __${program}_complete
    set -l words (commandline -opc) (commandline -ct)
    set -e words[1]
    set -l out (${program} __complete $words 2>/dev/null)
    set -l directive $out[1]
    set -e out[1]
    switch "$directive"
        case files
            __fish_complete_path (commandline -ct)
        case dirs
            __fish_complete_directories (commandline -ct)
        case values
            printf '%s\\n' $out
    end
end
complete -c ${program} -f -a '(__${program}_complete)'
`;
}
