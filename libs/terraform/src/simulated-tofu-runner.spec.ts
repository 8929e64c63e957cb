// Runs the TofuRunner contract against the plan/apply simulator.
import { SimulatedTofuRunner } from './simulated-tofu-runner.fake';
import { tofuRunnerContract } from './tofu-runner.contract';

tofuRunnerContract('simulator', () => new SimulatedTofuRunner());
