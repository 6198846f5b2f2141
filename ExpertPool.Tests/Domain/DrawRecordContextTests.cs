using System.Text.Json.Nodes;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

/// <summary>A context written by the host's callback must be the very text the same context as a <see cref="JsonObject"/> gives.</summary>
public sealed class DrawRecordContextTests
{
    private static readonly (string Id, string[] Quotas, (string Rule, string Evidence)[] Reasons)[] Exclusions =
    [
        ("0b0e4a1c-3f5e-4a57-9d0e-8a1f6f1b2c3d", ["Q1", "Q2"], [("labour-relation", "劳动关系：某某检测公司（申请单位 applicant），2021-03-01 至今 / employment since 2021"), ("cooldown", "quote \" backslash \\ tab \t newline \n bell \u0007 emoji 🧪")]),
        ("1c2d3e4f-0000-4000-8000-000000000001", [], []),
        ("2d3e4f50-0000-4000-8000-000000000002", ["Q2"], [("manual-exclusion", "")]),
    ];

    private static DrawInput Input() => DrawTestData.TwoQuotas("context", DrawTestData.ExpertIds("context-q1", 9), DrawTestData.ExpertIds("context-q2", 9));

    private static void WriteProperties(CanonicalJsonWriter w)
    {
        w.Property("panelRequestId", "p-1").Property("requestedBy", "市场监管局 质量发展处").Property("supersedesRequestId", null);
        w.Name("entropyEntries").StartArray();
        w.StartObject().Property("source", "福彩3D").Property("enteredAt", "2026-11-22T09:00:00.000Z").EndObject();
        w.EndArray().Name("exclusions").StartArray();
        foreach (var (id, quotas, reasons) in Exclusions)
        {
            w.StartObject().Property("expertId", id).Name("quotaKeys").StartArray();
            foreach (var quota in quotas)
            {
                w.String(quota);
            }

            w.EndArray().Name("reasons").StartArray();
            foreach (var (rule, evidence) in reasons)
            {
                w.StartObject().Property("rule", rule).Property("evidence", evidence).EndObject();
            }

            w.EndArray().EndObject();
        }

        w.EndArray().Property("failure", null);
    }

    private static JsonObject AsJsonObject() => new()
    {
        ["panelRequestId"] = "p-1",
        ["requestedBy"] = "市场监管局 质量发展处",
        ["supersedesRequestId"] = null,
        ["entropyEntries"] = new JsonArray(new JsonObject { ["source"] = "福彩3D", ["enteredAt"] = "2026-11-22T09:00:00.000Z" }),
        ["exclusions"] = new JsonArray([.. Exclusions.Select(x => (JsonNode)new JsonObject
        {
            ["expertId"] = x.Id,
            ["quotaKeys"] = new JsonArray([.. x.Quotas.Select(q => (JsonNode?)JsonValue.Create(q))]),
            ["reasons"] = new JsonArray([.. x.Reasons.Select(r => (JsonNode)new JsonObject { ["rule"] = r.Rule, ["evidence"] = r.Evidence })]),
        })]),
        ["failure"] = null,
    };

    [Fact]
    public void Serialize_WhenContextWrittenByCallback_IsTheTextOfTheSameJsonObject()
    {
        var input = Input();
        var outcome = DrawAlgorithm.Run(input);

        var written = DrawRecordJson.Serialize(DrawRecordDocument.Create(input, outcome, WriteProperties));
        var fromObject = DrawRecordJson.Serialize(DrawRecordDocument.Create(input, outcome, AsJsonObject()));

        written.Should().Be(fromObject);
        written.Should().Contain("\"supersedesRequestId\":null").And.EndWith(",\"failure\":null}}");
    }

    [Fact]
    public void Context_WhenWrittenByCallback_ReadsAsTheSameJsonObject_AndChangesToItAreWhatIsWritten()
    {
        var input = Input();
        var record = DrawRecordDocument.Create(input, DrawAlgorithm.Run(input), WriteProperties);

        JsonNode.DeepEquals(record.Context, AsJsonObject()).Should().BeTrue();
        record.Context.Should().BeSameAs(record.Context, "the context is parsed once");

        record.Context!["failure"] = "changed";
        DrawRecordJson.Serialize(record).Should().EndWith(",\"failure\":\"changed\"}}");
    }

    [Fact]
    public void With_WhenContextReplaced_WritesTheNewContextNotTheCallback()
    {
        var input = Input();
        var record = DrawRecordDocument.Create(input, DrawAlgorithm.Run(input), WriteProperties);

        DrawRecordJson.Serialize(record with { Context = null }).Should().EndWith(",\"context\":null}");
        DrawRecordJson.Serialize(record with { Context = new JsonObject { ["a"] = 1 } }).Should().EndWith(",\"context\":{\"a\":1}}");
        DrawRecordJson.Serialize(record with { Seed = record.Seed }).Should().Be(DrawRecordJson.Serialize(record), "a copy keeps the callback");
    }

    [Fact]
    public void Deserialize_KeepsTheContextAsTextUntilRead_AndReadsItAsItWas()
    {
        var input = Input();
        var json = DrawRecordJson.Serialize(DrawRecordDocument.Create(input, DrawAlgorithm.Run(input), AsJsonObject()));

        var record = DrawRecordJson.Deserialize(json);

        DrawRecordJson.Serialize(record).Should().Be(json);
        JsonNode.DeepEquals(record.Context, AsJsonObject()).Should().BeTrue();
        DrawRecordJson.Serialize(record).Should().Be(json);
        DrawVerifier.Verify(DrawRecordJson.Deserialize(json)).Matches.Should().BeTrue();
    }

    [Fact]
    public void Deserialize_WhenContextTextIsNotCanonical_SerializeWritesItCanonically()
    {
        var input = Input();
        var json = DrawRecordJson.Serialize(DrawRecordDocument.Create(input, DrawAlgorithm.Run(input), AsJsonObject()));
        var loose = json.Replace("\"context\":{\"panelRequestId\":\"p-1\"", "\"context\" : {\n  \"panelRequestId\" : \"p\\u002d1\"", StringComparison.Ordinal);
        loose.Should().NotBe(json);

        DrawRecordJson.Serialize(DrawRecordJson.Deserialize(loose)).Should().Be(json);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("1")]
    public void Deserialize_WhenContextIsNotAnObject_Throws(string context)
    {
        var input = Input();
        var json = DrawRecordJson.Serialize(DrawRecordDocument.Create(input, DrawAlgorithm.Run(input)));
        json.Should().EndWith(",\"context\":null}");

        var act = () => DrawRecordJson.Deserialize(json[..^"null}".Length] + context + "}");

        act.Should().Throw<System.Text.Json.JsonException>().WithMessage("*object*'context'*");
    }

    [Fact]
    public void Deserialize_WhenContextIsNullOrMissing_HasNoContext()
    {
        var input = Input();
        var json = DrawRecordJson.Serialize(DrawRecordDocument.Create(input, DrawAlgorithm.Run(input)));

        DrawRecordJson.Deserialize(json).Context.Should().BeNull();
        DrawRecordJson.Deserialize(json.Replace(",\"context\":null", "", StringComparison.Ordinal)).Context.Should().BeNull();
        DrawRecordJson.Serialize(DrawRecordJson.Deserialize(json)).Should().Be(json);
    }
}
