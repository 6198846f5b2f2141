using System.Text.Json;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

/// <summary>Reading skips parsing the context, but refuses exactly what reading the whole text as one document refused.</summary>
public sealed class DrawRecordJsonReadTests
{
    private static readonly string Json = DrawRecordJson.Serialize(DrawVerifierTests.SampleRecord());

    private static string WithContext(string context) => Json[..Json.IndexOf(",\"context\":", StringComparison.Ordinal)] + ",\"context\":" + context + "}";

    [Theory]
    [InlineData("{\"a\":[1,}")]
    [InlineData("{\"a\":1")]
    [InlineData("{\"a\":1}} ")]
    [InlineData("{\"a\":1} x")]
    [InlineData("{\"a\":/* comment */1}")]
    [InlineData("{\"a\":1,}")]
    public void Deserialize_WhenTextIsNotJson_ThrowsTheReaderErrorEvenIfAFieldIsAlsoWrong(string context)
    {
        var unknownField = WithContext(context).Replace("\"seed\":", "\"seedX\":1,\"seed\":", StringComparison.Ordinal);

        var act = () => DrawRecordJson.Deserialize(unknownField);

        act.Should().Throw<JsonException>().Which.Message.Should().NotContain("Unknown property").And.Contain("LineNumber");
    }

    [Fact]
    public void Deserialize_WhenEmptyOrNotAnObject_Throws()
    {
        FluentActions.Invoking(() => DrawRecordJson.Deserialize("")).Should().Throw<JsonException>().WithMessage("*does not contain any JSON tokens*");
        FluentActions.Invoking(() => DrawRecordJson.Deserialize(" [1, 2] ")).Should().Throw<JsonException>().WithMessage("Expected a JSON object for 'record'.");
        FluentActions.Invoking(() => DrawRecordJson.Deserialize("\"context\"")).Should().Throw<JsonException>().WithMessage("Expected a JSON object for 'record'.");
    }

    [Fact]
    public void Deserialize_WhenTextHasALoneSurrogate_ThrowsArgumentExceptionAsJsonDocumentDoes()
    {
        var text = WithContext("{\"note\":\"\ud800\"}");

        var act = () => DrawRecordJson.Deserialize(text);

        act.Should().Throw<ArgumentException>().WithMessage(FluentActions.Invoking(() => JsonDocument.Parse(text)).Should().Throw<ArgumentException>().Which.Message);
    }

    [Theory]
    [InlineData("{\"note\":\"\\ud800\"}")]
    [InlineData("{\"exclusions\":[{\"reasons\":[{\"evidence\":\"x\\udc00y\"}]}]}")]
    [InlineData("{\"a\":{\"b\":[\"\\ud83d\"]}}")]
    public void Deserialize_WhenTheContextEscapesALoneSurrogateAtAnyDepth_RefusesTheRecord(string context)
    {
        var act = () => DrawRecordJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(WithContext(context)));

        act.Should().Throw<InvalidOperationException>();
        DrawRecordJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(WithContext("{\"a\":{\"b\":[\"\\ud83d\\ude00 \\n\"]}}"))).Context!["a"]!["b"]![0]!.GetValue<string>()
            .Should().Be("😀 \n", "an escaped pair is one character");
    }

    [Fact]
    public void Deserialize_WhenAKeyAppearsTwice_RefusesTheRecord_AndAnEscapedKeyIsTheSameKey()
    {
        var twice = Json.Replace(",\"context\":", ",\"context\":{\"first\":1},\"context\":", StringComparison.Ordinal);
        var nullLast = WithContext("{\"a\":1},\"context\":null");
        var seedTwice = Json.Replace("\"seed\":", "\"seed\":\"00\",\"seed\":", StringComparison.Ordinal);
        var escaped = Json.Replace(",\"context\":", ",\"\\u0063ontext\":", StringComparison.Ordinal);

        // Spec section 9: parsers disagree on which of two equal keys counts, so neither is taken.
        foreach (var text in new[] { twice, nullLast, seedTwice })
            FluentActions.Invoking(() => DrawRecordJson.Deserialize(text)).Should().Throw<JsonException>().WithMessage("*Duplicate property*");
        // The context's own keys too (it is read in one pass, not parsed).
        FluentActions.Invoking(() => DrawRecordJson.Deserialize(WithContext("{\"supervisor\":\"a\",\"\\u0073upervisor\":\"b\"}"))).Should().Throw<JsonException>()
            .WithMessage("Property 'supervisor' is given twice in the record's context.");
        FluentActions.Invoking(() => DrawRecordJson.Deserialize(WithContext("{\"exclusions\":[{\"reasons\":[{\"rule\":\"a\",\"rule\":\"b\"}]}]}"))).Should().Throw<JsonException>()
            .WithMessage("Property 'rule' is given twice in the record's context.");
        // An object with many keys (past the in-place comparison) is checked the same way.
        var many = string.Join(",", Enumerable.Range(0, 40).Select(k => $"\"k{k}\":{k}"));
        DrawRecordJson.Deserialize(WithContext("{\"big\":{" + many + "}}")).Context!["big"]!.AsObject().Count.Should().Be(40);
        FluentActions.Invoking(() => DrawRecordJson.Deserialize(WithContext("{\"big\":{" + many + ",\"k3\":0}}"))).Should().Throw<JsonException>()
            .WithMessage("Property 'k3' is given twice in the record's context.");
        // The same key in sibling objects, or in an object and the one inside it, is no repeat.
        DrawRecordJson.Deserialize(WithContext("{\"rule\":\"x\",\"exclusions\":[{\"rule\":\"a\",\"r\":{\"rule\":\"c\"}},{\"rule\":\"b\"}],\"rules\":[]}"))
            .Context!["exclusions"]!.AsArray().Should().HaveCount(2);
        JsonNode.DeepEquals(DrawRecordJson.Deserialize(escaped).Context, DrawVerifierTests.SampleRecord().Context).Should().BeTrue();
        DrawRecordJson.Serialize(DrawRecordJson.Deserialize(escaped)).Should().Be(Json);
    }

    [Fact]
    public void Deserialize_ChecksTheTopLevelMembersThenTheContextThenTheFields()
    {
        var noSeed = System.Text.RegularExpressions.Regex.Replace(WithContext("[]"), "\"seed\":\"[0-9a-f]{64}\",", "");
        noSeed.Should().NotContain("\"seed\":");
        var unknown = noSeed.Replace("\"nonce\":", "\"nonceX\":1,\"nonce\":", StringComparison.Ordinal);

        // Specification section 10: the members first (divergence "members"), then the types.
        FluentActions.Invoking(() => DrawRecordJson.Deserialize(unknown)).Should().Throw<RecordMembersException>().WithMessage("Unknown property 'nonceX'*");
        FluentActions.Invoking(() => DrawRecordJson.Deserialize(noSeed)).Should().Throw<RecordMembersException>().WithMessage("Missing required property 'seed' in draw record.");
        FluentActions.Invoking(() => DrawRecordJson.Deserialize(WithContext("[]"))).Should().Throw<JsonException>().WithMessage("Expected a JSON object for 'context'.");
        var wrongType = Json.Replace("\"ruleSetVersion\":5", "\"ruleSetVersion\":\"5\"", StringComparison.Ordinal);
        wrongType.Should().NotBe(Json);
        FluentActions.Invoking(() => DrawRecordJson.Deserialize(wrongType)).Should().Throw<Exception>().Which.Should().NotBeOfType<RecordMembersException>();
    }

    [Fact]
    public void Deserialize_WhenContextIsNotTheLastProperty_ReadsEverything()
    {
        var node = JsonNode.Parse(Json)!.AsObject();
        var reordered = new JsonObject { ["context"] = node["context"]!.DeepClone() };
        foreach (var (key, value) in node.Where(p => p.Key != "context").ToList())
        {
            reordered[key] = value!.DeepClone();
        }

        var record = DrawRecordJson.Deserialize(reordered.ToJsonString());

        DrawRecordJson.Serialize(record).Should().Be(Json);
        DrawVerifier.Verify(record).Matches.Should().BeTrue();
    }
}
