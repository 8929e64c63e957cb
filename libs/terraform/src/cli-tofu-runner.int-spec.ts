// Runs the TofuRunner contract against the real OpenTofu binary (offline, builtin terraform_data only).
import { CliTofuRunner } from './cli-tofu-runner.adapter';
import { tofuRunnerContract } from './tofu-runner.contract';

tofuRunnerContract('tofu binary', () => new CliTofuRunner());
