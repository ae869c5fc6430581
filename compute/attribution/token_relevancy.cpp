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

std::vector<double> selfRelevancy(const std::vector<AttentionGrad>& layers, const std::string& what)
{
    if (layers.empty()) throw Error("token relevancy", what + " has no attention layer");
    const int N = layers.front().queries;
    std::vector<double> r = identity(N);
    for (size_t l = 0; l < layers.size(); ++l) {
        check(layers[l], N, N, what + " layer " + std::to_string(l));
        const std::vector<double> a = positiveGradAttention(layers[l]);
        std::vector<double> next = r;
        addProduct(next, a, r, N, N, N);
        r = std::move(next);
    }
    return r;
}

StackRelevancy crossStackRelevancy(const std::vector<AttentionGrad>& self,
                                   const std::vector<AttentionGrad>& cross,
                                   const std::vector<double>& contextBar, int contextTokens,
                                   const std::string& what)
{
    if (self.empty()) throw Error("token relevancy", what + " has no attention layer");
    if (cross.size() != self.size())
        throw Error("token relevancy", what + ": " + std::to_string(self.size()) +
                                           " self-attention layers but " + std::to_string(cross.size()) +
                                           " cross-attention layers");
    const int T = self.front().queries, C = contextTokens;
    if (contextBar.size() != size_t(C) * C)
        throw Error("token relevancy",
                    what + ": the context relevancy is not " + std::to_string(C) + "x" + std::to_string(C));
    StackRelevancy r{identity(T), std::vector<double>(size_t(T) * C, 0.0), T, C};
    for (size_t l = 0; l < self.size(); ++l) {
        check(self[l], T, T, what + " self-attention layer " + std::to_string(l));
        check(cross[l], T, C, what + " cross-attention layer " + std::to_string(l));
        const std::vector<double> a = positiveGradAttention(self[l]);
        std::vector<double> nextSelf = r.self, nextContext = r.context;
        addProduct(nextSelf, a, r.self, T, T, T);
        addProduct(nextContext, a, r.context, T, T, C);
        r.self = std::move(nextSelf);
        r.context = std::move(nextContext);

        const std::vector<double> x = positiveGradAttention(cross[l]);
        const std::vector<double> selfBar = normalizeSelfRelevancy(r.self, T);
        std::vector<double> selfBarT(size_t(T) * T);
        for (int i = 0; i < T; ++i)
            for (int j = 0; j < T; ++j)
                selfBarT[size_t(j) * T + i] = selfBar[size_t(i) * T + j];
        std::vector<double> crossContext(size_t(T) * C, 0.0);
        addProduct(crossContext, x, contextBar, T, C, C);
        addProduct(r.context, selfBarT, crossContext, T, T, C);
    }
    return r;
}

std::vector<float> encoderDecoderRelevancy(const EncoderDecoderAttention& at)
{
    if (at.encoderSelf.empty() || at.decoderSelf.empty())
        throw Error("token relevancy", "needs at least one encoder and one decoder attention layer");
    const int N = at.encoderSelf.front().queries;
    const std::vector<double> rii = selfRelevancy(at.encoderSelf, "encoder");
    const StackRelevancy text =
        crossStackRelevancy(at.decoderSelf, at.decoderCross, normalizeSelfRelevancy(rii, N), N, "decoder");
    return std::vector<float>(text.context.begin(), text.context.end());
}

std::vector<float> questionAnsweringRelevancy(const QuestionAnsweringAttention& at)
{
    if (at.imageSelf.empty() || at.questionSelf.empty() || at.answerSelf.empty())
        throw Error("token relevancy",
                    "needs at least one vision, question-encoder and answer-decoder attention layer");
    const int N = at.imageSelf.front().queries;
    const std::vector<double> rii = selfRelevancy(at.imageSelf, "vision encoder");
    const StackRelevancy question = crossStackRelevancy(
        at.questionSelf, at.questionCross, normalizeSelfRelevancy(rii, N), N, "question encoder");
    const int Q = question.tokens;
    const StackRelevancy answer = crossStackRelevancy(
        at.answerSelf, at.answerCross, normalizeSelfRelevancy(question.self, Q), Q, "answer decoder");
    const int A = answer.tokens;
    std::vector<double> rai(size_t(A) * N, 0.0);
    addProduct(rai, answer.context, question.context, A, Q, N);
    return std::vector<float>(rai.begin(), rai.end());
}

} // namespace loupe::compute::attribution
