using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

/// <summary>
/// Statistical check that the draw does not favour anyone: 100,000 draws (draw id i, everything else fixed, so every
/// draw has a different seed) from a pool of 40 taking 5 members.
/// <para>
/// Selection counts: each draw picks 5 distinct experts, so counts are not multinomial. Per draw the indicator vector has
/// covariance p(1-p)·I − c·(J − I) with p = k/N; on the (N−1)-dimensional subspace orthogonal to the all-ones vector the
/// standardised counts (O−E)/√E have variance (N−k)/(N−1). Hence Pearson's X² · (N−1)/(N−k) ~ χ²(N−1) asymptotically.
/// The first-ranked member is a plain multinomial draw (one of 40), so its X² ~ χ²(39) with no correction.
/// </para>
/// <para>
/// The p-value is the χ² survival function Q(df/2, x/2), the regularised upper incomplete gamma function, computed here
/// with the series (x &lt; a+1) or Lentz continued fraction (otherwise) and a Lanczos log-gamma; accurate to ~1e-12.
/// </para>
/// </summary>
[Collection(CpuHeavyTests.Name)]
public sealed class DrawFairnessTests
{
    private const int Draws = 100_000;
    private const int PoolSize = 40;
    private const int Take = 5;

    [Fact]
    public void Draw_Over100000Seeds_SelectsEveryExpertUniformly()
    {
        var ids = DrawTestData.ExpertIds("fairness", PoolSize);
        var index = ids.Select((id, i) => (id, i)).ToDictionary(t => t.id, t => t.i, StringComparer.Ordinal);
        var selected = new long[PoolSize];
        var first = new long[PoolSize];
        var nonce = DrawTestData.Nonce("fairness");
        var quotas = new[] { new DrawQuota("Q1", "0203", null, Take, 0) };
        var pool = new[] { new QuotaPool("Q1", ids) };
        var entropy = new[] { new EntropyInput("supervisor", "fairness") };

        Parallel.For(0, Draws, i =>
        {
            var outcome = DrawAlgorithm.Run(new DrawInput($"fairness-{i}", nonce, 1, quotas, pool, entropy));
            var members = outcome.Quotas[0].Members;
            Interlocked.Increment(ref first[index[members[0].ExpertId]]);
            foreach (var member in members)
            {
                Interlocked.Increment(ref selected[index[member.ExpertId]]);
            }
        });

        selected.Sum().Should().Be((long)Draws * Take);
        var selectionStatistic = PearsonStatistic(selected, (double)Draws * Take / PoolSize) * (PoolSize - 1) / (PoolSize - Take);
        var firstStatistic = PearsonStatistic(first, (double)Draws / PoolSize);

        ChiSquareSurvival(selectionStatistic, PoolSize - 1).Should().BeGreaterThan(0.001, $"X² (corrected) = {selectionStatistic:F2}");
        ChiSquareSurvival(firstStatistic, PoolSize - 1).Should().BeGreaterThan(0.001, $"X² = {firstStatistic:F2}");
    }

    /// <summary>
    /// Overlapping quotas (decision 034): Q1 takes 5 of 10 shared experts, Q2 then takes 5 of the 15 left to it (the 5
    /// shared ones Q1 left and 10 of its own). A fair draw gives each of the 15 the same chance, so the number of shared
    /// experts Q2 takes is hypergeometric (15, 5, 5): mean 5/3, variance 5·(1/3)·(2/3)·(10/14) per draw; over the draws
    /// the standardised total is normal, and its square χ²(1). ExpertPool-Draw-1 ranked every quota with the seed itself,
    /// so the shared experts Q1 left behind were known to score worse than Q1's picks and Q2 rarely took them: the same
    /// test refuses it, which shows the test can tell.
    /// </summary>
    [Fact]
    public void Draw_WhenQuotasOverlap_GivesTheExpertsAnEarlierQuotaLeftTheSameChanceAsTheRest()
    {
        const int OverlapDraws = 20_000;
        var shared = DrawTestData.ExpertIds("fair-shared", 10);
        var own = DrawTestData.ExpertIds("fair-own", 10);
        var sharedSet = shared.ToHashSet(StringComparer.Ordinal);
        var nonce = DrawTestData.Nonce("fair-overlap");
        var quotas = new[] { new DrawQuota("Q1", "0203", null, 5, 0), new DrawQuota("Q2", "0204", null, 5, 0) };
        var pool = new[] { new QuotaPool("Q1", shared), new QuotaPool("Q2", [.. shared, .. own]) };
        var entropy = new[] { new EntropyInput("supervisor", "fair-overlap") };

        double Statistic(string version)
        {
            long sharedTaken = 0;
            Parallel.For(0, OverlapDraws, i =>
            {
                var outcome = DrawAlgorithm.Run(new DrawInput($"fair-overlap-{i}", nonce, 1, quotas, pool, entropy), version);
                outcome.Quotas[1].AvailableCount.Should().Be(15);
                Interlocked.Add(ref sharedTaken, outcome.Quotas[1].Members.Count(m => sharedSet.Contains(m.ExpertId)));
            });
            var mean = OverlapDraws * 5.0 / 3.0;
            var variance = OverlapDraws * 5.0 * (1.0 / 3.0) * (2.0 / 3.0) * (10.0 / 14.0);
            return (sharedTaken - mean) * (sharedTaken - mean) / variance;
        }

        var current = Statistic(DrawAlgorithm.Version);
        ChiSquareSurvival(current, 1).Should().BeGreaterThan(0.001, $"z² = {current:F2}");
        var first = Statistic(DrawAlgorithm.Version1);
        ChiSquareSurvival(first, 1).Should().BeLessThan(1e-9, $"ExpertPool-Draw-1 favours Q2's own experts (z² = {first:F2})");
    }

    [Theory]
    [InlineData(3.841459, 1, 0.05)]
    [InlineData(18.307038, 10, 0.05)]
    [InlineData(72.054620, 39, 0.001)]
    [InlineData(54.572227, 39, 0.05)]
    [InlineData(0.0, 39, 1.0)]
    public void ChiSquareSurvival_MatchesPublishedCriticalValues(double x, int degreesOfFreedom, double expected)
    {
        ChiSquareSurvival(x, degreesOfFreedom).Should().BeApproximately(expected, expected * 1e-4);
    }

    private static double PearsonStatistic(long[] observed, double expected) =>
        observed.Sum(o => (o - expected) * (o - expected) / expected);

    internal static double ChiSquareSurvival(double x, int degreesOfFreedom) =>
        x <= 0 ? 1.0 : RegularizedUpperGamma(degreesOfFreedom / 2.0, x / 2.0);

    private static double RegularizedUpperGamma(double a, double x)
    {
        var logPrefix = a * Math.Log(x) - x - LogGamma(a);
        if (x < a + 1)
        {
            // Series for the lower function P(a, x); Q = 1 − P.
            double term = 1 / a, sum = term;
            for (var n = 1; n < 10_000 && Math.Abs(term) > Math.Abs(sum) * 1e-16; n++)
            {
                term *= x / (a + n);
                sum += term;
            }

            return 1 - sum * Math.Exp(logPrefix);
        }

        // Modified Lentz continued fraction for Q(a, x).
        const double tiny = 1e-300;
        double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (var i = 1; i < 10_000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = b + an / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Exp(logPrefix) * h;
    }

    private static double LogGamma(double x)
    {
        // Lanczos approximation, g = 7, n = 9.
        ReadOnlySpan<double> coefficients =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = coefficients[0];
        for (var i = 1; i < coefficients.Length; i++)
        {
            sum += coefficients[i] / (x + i);
        }

        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
