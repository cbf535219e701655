// The bundle's entry (build/build.mjs) and the development entry (`npm run dev`): the
// tessera CLI with the process's arguments, streams and exit status.
import { main } from "../src/cli/main";

process.exitCode = await main(process.argv.slice(2));
