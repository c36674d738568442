// How long one spinning thread takes to see another's store: the mean round trip in microseconds,
// measured for at most `budgetMillis`. ggml's CPU workers meet in spin barriers hundreds of times
// per token; where vCPUs are time-sliced by a hypervisor (the 2-vCPU Firecracker VM this was written
// on: median 0.45 us but stalls of 10-40 ms, mean 10-10,000 us) two threads decode 15-70x slower
// than one, so the wrapper then defaults to one thread.
#pragma once

namespace switchyard {

double threadHandoffMicros(double budgetMillis);

}  // namespace switchyard
