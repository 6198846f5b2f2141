using System.Text.Json;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

public sealed class CanonicalJsonWriterTests
{
    [Fact]
    public void String_EscapesEveryControlCharacterQuoteAndBackslashLikePythonJsonDumps()
    {
        var value = string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c)) + "\"\\/\u007f é😀专家";
        using var writer = new CanonicalJsonWriter();

        writer.String(value);

        // python3 -c 'import json; print(json.dumps("".join(map(chr, range(32))) + "\"\\/\x7f é😀专家", ensure_ascii=False))'
        writer.ToString().Should().Be(
            "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f" +
            "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f" +
            "\\\"\\\\/\u007f é😀专家\"");
    }

    [Fact]
    public void Writer_WhenTextOutgrowsItsBuffer_KeepsEverythingInOrder()
    {
        var values = Enumerable.Range(0, 20_000).Select(i => i % 7 == 0 ? $"a\"b\\c\n{i}" : DrawTestData.ExpertId("grow", i)).ToArray();
        using var writer = new CanonicalJsonWriter(initialCapacity: 16);

        writer.StartObject().Name("ids").StartArray();
        foreach (var value in values)
        {
            writer.String(value);
        }

        writer.EndArray().Property("count", values.Length).Property("done", true).Name("none").Null().EndObject();

        var text = writer.ToString();
        using var document = JsonDocument.Parse(text);
        document.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetString()).Should().Equal(values);
        document.RootElement.GetProperty("count").GetInt32().Should().Be(values.Length);
        text.Should().EndWith("],\"count\":20000,\"done\":true,\"none\":null}");
    }

    [Fact]
    public void Node_WritesObjectsArraysAndScalarsInTheirOrderWithoutWhitespace()
    {
        var node = new JsonObject
        {
            ["z"] = 1,
            ["a"] = new JsonArray("x", null, true, false, -42, new JsonObject()),
            ["empty"] = new JsonArray(),
            ["n"] = null,
        };
        using var writer = new CanonicalJsonWriter();

        writer.Node(node);

        writer.ToString().Should().Be("{\"z\":1,\"a\":[\"x\",null,true,false,-42,{}],\"empty\":[],\"n\":null}");
    }
}
