using System.Text;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

/// <summary>A record stored before evidence was written masked, as a non-administrator gets it (decision 039).</summary>
public sealed class DrawRecordDisclosureTests
{
    private const string Mobile = "13812345678";
    private const string IdNumber = "11010519491231002X";

    private static (DrawInput Input, DrawOutcome Outcome) Drawn()
    {
        var ids = DrawTestData.ExpertIds("disclosure", 8).Order(StringComparer.Ordinal).ToList();
        var input = DrawTestData.SingleQuota("disclosure", ids, 2, 1);
        return (input, DrawAlgorithm.Run(input));
    }

    private static JsonObject Context(string evidence, string? redrawReason) => new()
    {
        ["redrawReason"] = redrawReason,
        ["exclusions"] = new JsonArray(new JsonObject
        {
            ["expertId"] = DrawTestData.ExpertId("excluded", 0),
            ["quotaKeys"] = new JsonArray("Q1"),
            ["reasons"] = new JsonArray(
                new JsonObject { ["rule"] = "declared-conflict", ["evidence"] = evidence },
                new JsonObject { ["rule"] = "status", ["evidence"] = "状态为「暂停」/ status is Suspended" }),
        }),
    };

    private static byte[] Stored(DrawInput input, DrawOutcome outcome, JsonObject context) =>
        Encoding.UTF8.GetBytes(DrawRecordJson.Serialize(DrawRecordDocument.Create(input, outcome, context)));

    [Fact]
    public void MaskedForReaders_WhenEvidenceHoldsNumbers_MasksThemAndNothingElse()
    {
        var (input, outcome) = Drawn();
        var stored = Stored(input, outcome, Context($"声明：我妻子在申请单位任职，手机 {Mobile}，身份证 {IdNumber}", $"原名单有误，联系人电话 {Mobile}"));

        var masked = DrawRecordDisclosure.MaskedForReaders(stored);

        masked.Should().NotBeNull();
        var text = Encoding.UTF8.GetString(masked!);
        text.Should().NotContain(Mobile).And.NotContain(IdNumber).And.Contain("138****5678").And.Contain("110105***********X");
        text.Should().Contain("我妻子在申请单位任职", "only the numbers are masked");
        var copy = DrawRecordJson.Deserialize(masked);
        var original = DrawRecordJson.Deserialize(stored);
        copy.Seed.Should().Be(original.Seed);
        copy.PoolHash.Should().Be(original.PoolHash);
        copy.Selection.Should().BeEquivalentTo(original.Selection);
        copy.Context!["exclusions"]![0]!["reasons"]![1]!["evidence"]!.GetValue<string>().Should().Be("状态为「暂停」/ status is Suspended");
        DrawVerifier.Verify(copy).Matches.Should().BeTrue("the context is outside every hash the verifier checks");
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\t")]
    public void MaskedForReaders_WhenANumberFollowsALineBreakOrTab_MasksIt(string separator)
    {
        // In the JSON text the break is written "\n": the number then follows a letter, and only the decoded text shows it standing alone.
        var (input, outcome) = Drawn();
        var stored = Stored(input, outcome, Context($"举报人身份证{separator}{IdNumber}", null));

        var masked = DrawRecordDisclosure.MaskedForReaders(stored);

        masked.Should().NotBeNull();
        Encoding.UTF8.GetString(masked!).Should().NotContain(IdNumber).And.Contain("110105***********X");
    }

    [Fact]
    public void MaskedForReaders_WhenNothingNeedsMasking_IsNull()
    {
        var (input, outcome) = Drawn();

        DrawRecordDisclosure.MaskedForReaders(Stored(input, outcome, Context("声明：曾为其提供咨询", null))).Should().BeNull();
        // Already masked when written (records since decision 039): the stored bytes are sent as they are.
        DrawRecordDisclosure.MaskedForReaders(Stored(input, outcome, Context("手机 138****5678", null))).Should().BeNull();
    }

    [Fact]
    public void MaskedForReaders_WhenOnlyAFieldThatIsNotMaskedHoldsANumber_IsNull()
    {
        var (input, outcome) = Drawn();
        var context = Context("声明：曾为其提供咨询", null);
        // The quick look over the whole text finds the number; the fields that are masked do not hold it.
        context["supervisor"] = $"李监督 {Mobile}";

        DrawRecordDisclosure.MaskedForReaders(Stored(input, outcome, context)).Should().BeNull();
    }

    [Fact]
    public void MaskedForReaders_WhenTheJsonIsNoRecord_RefusesRatherThanSendIt()
    {
        var damaged = Encoding.UTF8.GetBytes("{\"context\":{\"exclusions\":[{\"reasons\":[{\"evidence\":\"手机 " + Mobile + "\"}]}]}}");

        var act = () => DrawRecordDisclosure.MaskedForReaders(damaged);

        act.Should().Throw<ExpertPool.Domain.Common.DomainConflictException>().WithMessage("*only an administrator can export it*");
    }
}
