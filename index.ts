// Entry point of `pulumi up`: validate the stack's configuration first (one error naming every
// bad key, before any resource exists), then create the stack and export its outputs.
import { loadConfig } from "./config";
import { StackOutputs } from "./outputs";
import { createStack } from "./stack";

const outputs: StackOutputs = createStack(loadConfig());
export = outputs;
