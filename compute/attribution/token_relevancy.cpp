// SPDX-License-Identifier: MIT
#include "compute/attribution/token_relevancy.h"

#include "compute/error.h"

#include <algorithm>
#include <string>

namespace loupe::compute::attribution {

namespace {

// c [n, m] += a [n, k] · b [k, m]
void addProduct(std::vector<double>& c, const std::vector<double>& a, const std::vector<double>& b, int n,
                int k, int m)
{
    for (int i = 0; i < n; ++i) {
        double* ci = c.data() + size_t(i) * m;
        for (int p = 0; p < k; ++p) {
            const double aip = a[size_t(i) * k + p];
            if (aip == 0) continue;
            const double* bp = b.data() + size_t(p) * m;
            for (int j = 0; j < m; ++j)
                ci[j] += aip * bp[j];
        }
    }
}

std::vector<double> identity(int n)
{
    std::vector<double> r(size_t(n) * n, 0.0);
    for (int i = 0; i < n; ++i)
        r[size_t(i) * n + i] = 1.0;
    return r;
}

void check(const AttentionGrad& a, int queries, int keys, const std::string& what)
{
    if (!a.probs || !a.grads || a.heads <= 0 || a.queries != queries || a.keys != keys)
        throw Error("token relevancy", what + " is " + std::to_string(a.heads) + "x" +
                                           std::to_string(a.queries) + "x" + std::to_string(a.keys) +
                                           ", expected heads x " + std::to_string(queries) + "x" +
                                           std::to_string(keys) + " with probabilities and gradients");
}

} // namespace

std::vector<double> positiveGradAttention(const AttentionGrad& a)
{
    const size_t cells = size_t(a.queries) * a.keys;
    std::vector<double> out(cells, 0.0);
    for (int h = 0; h < a.heads; ++h) {
        const float* p = a.probs + h * cells;
        const float* g = a.grads + h * cells;
        for (size_t c = 0; c < cells; ++c)
            out[c] += std::max(double(p[c]) * double(g[c]), 0.0);
    }
    for (double& v : out)
        v /= a.heads;
    return out;
}

std::vector<double> normalizeSelfRelevancy(const std::vector<double>& r, int n)
{
    std::vector<double> out(r);
    for (int i = 0; i < n; ++i) {
        double* row = out.data() + size_t(i) * n;
        row[i] -= 1.0;
        double sum = 0;
        for (int j = 0; j < n; ++j)
            sum += row[j];
        if (sum != 0)
            for (int j = 0; j < n; ++j)
                row[j] /= sum;
        row[i] += 1.0;
    }
    return out;
}

std::vector<float> encoderDecoderRelevancy(const EncoderDecoderAttention& at)
{
    if (at.encoderSelf.empty() || at.decoderSelf.empty())
        throw Error("token relevancy", "needs at least one encoder and one decoder attention layer");
    if (at.decoderCross.size() != at.decoderSelf.size())
        throw Error("token relevancy",
                    std::to_string(at.decoderSelf.size()) + " decoder self-attention layers but " +
                        std::to_string(at.decoderCross.size()) + " cross-attention layers");
    const int N = at.encoderSelf.front().queries, T = at.decoderSelf.front().queries;

    std::vector<double> rii = identity(N);
    for (size_t l = 0; l < at.encoderSelf.size(); ++l) {
        check(at.encoderSelf[l], N, N, "encoder layer " + std::to_string(l));
        const std::vector<double> a = positiveGradAttention(at.encoderSelf[l]);
        std::vector<double> next = rii;
        addProduct(next, a, rii, N, N, N);
        rii = std::move(next);
    }
    const std::vector<double> riiBar = normalizeSelfRelevancy(rii, N);

    std::vector<double> rtt = identity(T), rti(size_t(T) * N, 0.0);
    for (size_t l = 0; l < at.decoderSelf.size(); ++l) {
        check(at.decoderSelf[l], T, T, "decoder self-attention layer " + std::to_string(l));
        check(at.decoderCross[l], T, N, "decoder cross-attention layer " + std::to_string(l));
        const std::vector<double> self = positiveGradAttention(at.decoderSelf[l]);
        std::vector<double> nextTt = rtt, nextTi = rti;
        addProduct(nextTt, self, rtt, T, T, T);
        addProduct(nextTi, self, rti, T, T, N);
        rtt = std::move(nextTt);
        rti = std::move(nextTi);

        const std::vector<double> cross = positiveGradAttention(at.decoderCross[l]);
        const std::vector<double> rttBar = normalizeSelfRelevancy(rtt, T);
        std::vector<double> rttBarT(size_t(T) * T);
        for (int i = 0; i < T; ++i)
            for (int j = 0; j < T; ++j)
                rttBarT[size_t(j) * T + i] = rttBar[size_t(i) * T + j];
        std::vector<double> crossImage(size_t(T) * N, 0.0);
        addProduct(crossImage, cross, riiBar, T, N, N);
        addProduct(rti, rttBarT, crossImage, T, T, N);
    }
    return std::vector<float>(rti.begin(), rti.end());
}

} // namespace loupe::compute::attribution
