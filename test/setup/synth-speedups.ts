import { installSynthSpeedups } from "../../src/app/perf";
installSynthSpeedups();
