import {
  DockerfileParser,
  JSONInstruction,
  ModifiableInstruction,
  type Instruction,
} from 'dockerfile-ast';

/** One instruction of a Dockerfile, reduced to what the hardening checks read. */
export interface DockerInstruction {
  readonly keyword: string;
  /** The arguments as written, flags excluded for instructions that take flags. */
  readonly args: string;
  readonly flags: ReadonlyMap<string, string | null>;
  /** The exec-form array of CMD/ENTRYPOINT; undefined for the shell form. */
  readonly execForm: readonly string[] | undefined;
}

/** A build stage: its name, base image and instructions after its FROM. */
export interface DockerStage {
  readonly name: string | undefined;
  readonly base: string;
  readonly instructions: readonly DockerInstruction[];
}

/** Splits a Dockerfile into its stages, with the `ARG`s before the first FROM as `globals`. */
export function parseDockerfile(text: string): {
  readonly globals: readonly DockerInstruction[];
  readonly stages: readonly DockerStage[];
} {
  const globals: DockerInstruction[] = [];
  const stages: { name: string | undefined; base: string; instructions: DockerInstruction[] }[] =
    [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const parsed = toDockerInstruction(instruction);
    if (parsed.keyword === 'FROM') {
      const [base = '', , name] = parsed.args.split(/\s+/);
      stages.push({ name, base, instructions: [] });
    } else {
      (stages.at(-1)?.instructions ?? globals).push(parsed);
    }
  }
  return { globals, stages };
}

function toDockerInstruction(instruction: Instruction): DockerInstruction {
  const flags = new Map<string, string | null>();
  let args = instruction.getArgumentsContent() ?? '';
  if (instruction instanceof ModifiableInstruction) {
    for (const flag of instruction.getFlags()) flags.set(flag.getName(), flag.getValue());
    args = instruction
      .getArguments()
      .map((argument) => argument.getValue())
      .join(' ');
  }
  const execForm =
    instruction instanceof JSONInstruction && instruction.getJSONStrings().length > 0
      ? instruction.getJSONStrings().map((json) => json.getJSONValue())
      : undefined;
  return { keyword: instruction.getKeyword().toUpperCase(), args, flags, execForm };
}
