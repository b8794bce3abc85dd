/**
 * Shell completion scripts generated from the registered commands and their options (commander has
 * no generator): sub-commands, each one's flags, output formats, kinds for commands that take one,
 * and object names (asked of the server with `berth get KIND -o name`) after a kind.
 */

export interface CompletionModel {
  program: string;
  commands: { name: string; options: string[]; takesKind: boolean }[];
  kinds: readonly string[];
  outputFormats: readonly string[];
}

const words = (list: readonly string[]) => list.join(' ');

export function bashCompletion(m: CompletionModel): string {
  const fn = `_${m.program}_completion`;
  const optionCases = m.commands.map((c) => `    ${c.name}) opts="${words(c.options)}" ;;`).join('\n');
  const kindCommands = m.commands.filter((c) => c.takesKind).map((c) => c.name).join('|') || '__none__';
  return `# ${m.program} completion for bash: source <(${m.program} completion bash)
${fn}() {
  local cur prev cmd opts kind
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  if [[ \$COMP_CWORD -eq 1 ]]; then
    COMPREPLY=( \$(compgen -W "${words(m.commands.map((c) => c.name))}" -- "\$cur") )
    return
  fi
  case "\$prev" in
    -f|--filename) COMPREPLY=( \$(compgen -f -- "\$cur") ); return ;;
    -o|--output) COMPREPLY=( \$(compgen -W "${words(m.outputFormats)}" -- "\$cur") ); return ;;
  esac
  if [[ "\$cur" == -* ]]; then
    case "\$cmd" in
${optionCases}
    *) opts="" ;;
    esac
    COMPREPLY=( \$(compgen -W "\$opts" -- "\$cur") )
    return
  fi
  case "\$cmd" in
    ${kindCommands})
      if [[ \$COMP_CWORD -eq 2 ]]; then
        COMPREPLY=( \$(compgen -W "${words(m.kinds)}" -- "\$cur") )
      else
        kind="\${COMP_WORDS[2]}"
        COMPREPLY=( \$(compgen -W "\$(${m.program} get "\$kind" -o name 2>/dev/null | sed 's|^[^/]*/||')" -- "\$cur") )
      fi
      ;;
  esac
}
complete -o default -F ${fn} ${m.program}
`;
}

/** zsh runs the bash function through bashcompinit: one completion logic for both shells. */
export function zshCompletion(m: CompletionModel): string {
  return `#compdef ${m.program}
# ${m.program} completion for zsh: source <(${m.program} completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(m).split('\n').slice(1).join('\n')}`;
}
