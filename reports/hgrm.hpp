#pragma once
// HdrHistogram's percentile-distribution text (.hgrm), as its Java
// AbstractHistogram.outputPercentileDistribution(out, 5, 1.0) prints it, so HdrHistogram's
// plotter (plotFiles.html) and the tools that read .hgrm files accept ours.
#include <string>

#include "workloads/model/histogram.hpp"

namespace contend {

// Values are in ns (output value unit scaling ratio 1). An empty histogram gives the header and
// a footer of zeros, as HdrHistogram prints it.
std::string to_hgrm(const Histogram& histogram);

}  // namespace contend
