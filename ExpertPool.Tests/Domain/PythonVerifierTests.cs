using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

/// <summary>Runs tools/verify_draw.py (an independent re-implementation) against the C# output. Fails if no Python is found.</summary>
public sealed class PythonVerifierTests
{
    [Theory]
    [MemberData(nameof(DrawTestVectorTests.Versions), MemberType = typeof(DrawTestVectorTests))]
    public void PythonVerifier_WhenGivenTestVectors_ReportsAllMatch(string version)
    {
        var (exitCode, output) = RunVerifier(DrawTestVectors.RelativePath(version));

        exitCode.Should().Be(0, output);
        var count = JsonDocument.Parse(File.ReadAllText(Path.Combine(DrawTestData.RepoRoot(), DrawTestVectors.RelativePath(version))))
            .RootElement.GetProperty("vectors").GetArrayLength();
        output.Should().Contain($"{count}/{count} 个向量一致 / vectors match");
    }

    /// <summary>docs/draw-error-vectors.json: every case gets the outcome the specification gives it (DrawErrorVectorTests checks C#).</summary>
    [Fact]
    public void PythonVerifier_WhenGivenTheErrorVectors_GivesEachItsExpectedOutcome()
    {
        var (exitCode, output) = RunVerifier("--error-vectors", DrawErrorVectors.RelativePath);

        exitCode.Should().Be(0, output);
        var count = DrawErrorVectorTests.ReadFile().Count;
        output.Should().NotContain("FAIL").And.Contain($"{count}/{count} 个错误向量得到预期结果 / error vectors give their expected outcome");
    }

    [Fact]
    public void PythonVerifier_WhenAnErrorVectorGetsAnotherOutcome_NamesTheCaseAndFails()
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(DrawTestData.RepoRoot(), DrawErrorVectors.RelativePath)))!;
        var cases = node["cases"]!.AsArray();
        cases[0]!["expected"] = new JsonObject { ["outcome"] = "divergence", ["label"] = "seed" };
        var nonce = cases.Single(c => c!["name"]!.GetValue<string>() == "nonce-changed")!;
        nonce["expected"]!["label"] = "nonce";
        var file = Path.Combine(Path.GetTempPath(), $"error-vectors-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, node.ToJsonString(), new UTF8Encoding(false));
        try
        {
            var (exitCode, output) = RunVerifier("--error-vectors", file);

            exitCode.Should().Be(1, output);
            output.Should().Contain("FAIL base-record: 期望 divergence seed，实际 match / expected divergence seed, got match")
                .And.Contain("FAIL nonce-changed: 期望 divergence nonce，实际 divergence commitment")
                .And.Contain($"{cases.Count - 2}/{cases.Count} 个错误向量得到预期结果");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Section 10, first row: text that is not JSON is a malformed record (the verifier said "cannot read input").</summary>
    [Theory]
    [InlineData("")]
    [InlineData("{\"algorithmVersion\":")]
    [InlineData("{} {}")]
    [InlineData("\uFEFF{}")]
    public void PythonVerifier_WhenTheRecordIsNotJson_SaysItIsMalformed(string text)
    {
        var (exitCode, output) = RunVerifierOnRecord(text);

        exitCode.Should().Be(1, output);
        output.Should().StartWith("MISMATCH 不一致：记录格式错误 / malformed record: the text is not JSON").And.NotContain("cannot read input");
    }

    [Fact]
    public void PythonVerifier_WhenGivenRecordFromCSharp_MatchesAndDetectsTampering()
    {
        var record = DrawVerifierTests.SampleRecord();
        var directory = Directory.CreateTempSubdirectory("expertpool-draw-");
        try
        {
            var good = Path.Combine(directory.FullName, "record.json");
            File.WriteAllText(good, DrawRecordJson.Serialize(record), new UTF8Encoding(false));
            var (exitCode, output) = RunVerifier("--record", good);
            exitCode.Should().Be(0, output);
            output.Should().StartWith("MATCH 一致：").And.Contain(record.DrawId);

            var q1 = record.Selection[0];
            var tamperedRecord = record with
            {
                Selection = [q1 with { Members = [q1.Members[0], q1.Members[1] with { ExpertId = q1.Backups[0].ExpertId }, q1.Members[2]] }, record.Selection[1]],
            };
            var tampered = Path.Combine(directory.FullName, "tampered.json");
            File.WriteAllText(tampered, DrawRecordJson.Serialize(tamperedRecord), new UTF8Encoding(false));
            (exitCode, output) = RunVerifier("--record", tampered);
            exitCode.Should().Be(1, output);
            output.Should().StartWith("MISMATCH 不一致：首个不一致之处为 quota Q1 member rank 2（应当：名额 Q1 第 2 位正选专家（编号、排序值）一致）")
                .And.Contain("divergence at quota Q1 member rank 2");

            var badNonce = Path.Combine(directory.FullName, "bad-nonce.json");
            File.WriteAllText(badNonce, DrawRecordJson.Serialize(record with { Nonce = DrawTestData.Hex("x") }), new UTF8Encoding(false));
            (exitCode, output) = RunVerifier("--record", badNonce);
            exitCode.Should().Be(1, output);
            output.Should().Contain("commitment");

            // Both verifiers refuse the nonce in capitals (the record writes lowercase hex).
            var capitals = record with { Nonce = record.Nonce.ToUpperInvariant() };
            DrawVerifier.Verify(capitals).FirstDivergence.Should().Be("nonce");
            var capitalNonce = Path.Combine(directory.FullName, "capital-nonce.json");
            File.WriteAllText(capitalNonce, DrawRecordJson.Serialize(capitals), new UTF8Encoding(false));
            (exitCode, output) = RunVerifier("--record", capitalNonce);
            exitCode.Should().Be(1, output);
            output.Should().Contain("（应当：揭示的随机数（nonce）为 64 位小写十六进制）").And.Contain("divergence at nonce");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void PythonVerifier_WhenGivenThePublishedCommitmentAndEntropy_RefusesARecordRebuiltFromOthers()
    {
        var record = DrawVerifierTests.SampleRecord();
        var entropy = record.ExternalEntropy.Select(e => e.Value).ToArray();
        // Someone who holds the nonce draws again from an entropy value of their own: consistent in itself.
        var input = record.ToInput() with { ExternalEntropy = [new EntropyInput("supervisor", "42"), record.ExternalEntropy[1]] };
        var rebuilt = DrawRecordDocument.Create(input, DrawAlgorithm.Run(input), record.Context);
        // And from a nonce of their own, with its own commitment.
        var otherNonce = record.ToInput() with { Nonce = DrawTestData.Nonce("someone else's") };
        var renonced = DrawRecordDocument.Create(otherNonce, DrawAlgorithm.Run(otherNonce), record.Context);
        var directory = Directory.CreateTempSubdirectory("expertpool-draw-");
        try
        {
            string Write(string name, DrawRecordDocument r)
            {
                var path = Path.Combine(directory.FullName, name);
                File.WriteAllText(path, DrawRecordJson.Serialize(r), new UTF8Encoding(false));
                return path;
            }

            string[] Published(string path) => ["--record", path, "--commitment", record.Commitment, "--entropy", entropy[0], "--entropy", entropy[1]];

            var (exitCode, output) = RunVerifier("--record", Write("rebuilt.json", rebuilt));
            exitCode.Should().Be(0, "alone, a rebuilt record is consistent in itself");
            output.Should().Contain("consistent in itself").And.Contain("--commitment");

            (exitCode, output) = RunVerifier(Published(Write("record.json", record)));
            exitCode.Should().Be(0, output);
            output.Should().Contain("drawn from the published commitment and entropy");

            (exitCode, output) = RunVerifier(Published(Write("rebuilt.json", rebuilt)));
            exitCode.Should().Be(1, output);
            output.Should().Contain("divergence at publishedEntropy").And.Contain("publishedEntropy（应当：记录中的外部随机数就是公布的外部随机数");

            (exitCode, output) = RunVerifier(Published(Write("renonced.json", renonced)));
            exitCode.Should().Be(1, output);
            output.Should().Contain("divergence at publishedCommitment");

            // A record drawn with the first version verifies as that version.
            var v1 = DrawRecordDocument.Create(record.ToInput(), DrawAlgorithm.Run(record.ToInput(), DrawAlgorithm.Version1), record.Context);
            (exitCode, output) = RunVerifier(Published(Write("v1.json", v1)));
            exitCode.Should().Be(0, output);
            (exitCode, output) = RunVerifier("--record", Write("v1-as-v2.json", v1 with { AlgorithmVersion = DrawAlgorithm.Version }));
            exitCode.Should().Be(1, output);
            output.Should().Contain("divergence at quota Q");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void BothVerifiers_WhenARecordDoesNotRead_SaySoBeforeComparingAnything()
    {
        var json = DrawRecordJson.Serialize(DrawVerifierTests.SampleRecord());
        // A wrong nonce and version as well: the record must read first (section 10), so neither is the answer.
        var edited = json.Replace("\"succeeded\":true", "\"succeeded\":\"yes\"", StringComparison.Ordinal)
            .Replace("\"algorithmVersion\":\"ExpertPool-Draw-2\"", "\"algorithmVersion\":\"ExpertPool-Draw-9\"", StringComparison.Ordinal);
        edited.Should().Contain("\"succeeded\":\"yes\"").And.Contain("Draw-9");

        FluentActions.Invoking(() => DrawRecordJson.Deserialize(edited)).Should().Throw<Exception>();
        var (exitCode, output) = RunVerifierOnRecord(edited);
        exitCode.Should().Be(1, output);
        output.Should().StartWith("MISMATCH 不一致：记录格式错误 / malformed record:").And.Contain("succeeded").And.NotContain("algorithmVersion");
    }

    [Fact]
    public void BothVerifiers_IgnoreAMemberOfAShortfallThatSectionNineDoesNotShow()
    {
        var input = DrawTestData.SingleQuota("shortfall-extra", DrawTestData.ExpertIds("shortfall-extra", 3), 5, 2);
        var json = DrawRecordJson.Serialize(DrawRecordDocument.Create(input, DrawAlgorithm.Run(input)));
        const string Shortfall = "\"shortfall\":{\"needed\":5,\"available\":3}";
        json.Should().Contain(Shortfall);
        var edited = json.Replace(Shortfall, "\"shortfall\":{\"needed\":5,\"available\":3,\"note\":\"备注\"}", StringComparison.Ordinal);

        DrawVerifier.Verify(DrawRecordJson.Deserialize(edited)).Matches.Should().BeTrue();
        var (exitCode, output) = RunVerifierOnRecord(edited);
        exitCode.Should().Be(0, output);
        output.Should().StartWith("MATCH");
    }

    /// <summary>Records the C# reader refuses are malformed for the Python verifier too (the review found it took them).</summary>
    [Theory]
    [InlineData("\"a string\"")]
    [InlineData("[1,2]")]
    [InlineData("{\"n\":NaN}")]
    [InlineData("{\"n\":-Infinity}")]
    [InlineData("{\"note\":\"\\ud800\"}")]
    [InlineData("{\"exclusions\":[{\"evidence\":\"x\\udc00y\"}]}")]
    public void BothVerifiers_WhenTheContextIsNotAnObjectOfValidJson_SayTheRecordIsMalformed(string context)
    {
        var json = DrawRecordJson.Serialize(DrawVerifierTests.SampleRecord());
        var edited = json[..json.IndexOf(",\"context\":", StringComparison.Ordinal)] + ",\"context\":" + context + "}";

        FluentActions.Invoking(() => DrawRecordJson.Deserialize(Encoding.UTF8.GetBytes(edited))).Should().Throw<Exception>();
        var (exitCode, output) = RunVerifierOnRecord(edited);
        exitCode.Should().Be(1, output);
        output.Should().StartWith("MISMATCH 不一致：记录格式错误 / malformed record:");
    }

    [Theory]
    [InlineData("count", "3.0")]
    [InlineData("count", "3e0")]
    [InlineData("count", "\"3\"")]
    [InlineData("count", "true")]
    [InlineData("rank", "1.0")]
    [InlineData("eligibleCount", "9.0")]
    public void PythonVerifier_WhenAnIntegerIsNotAnIntegerLiteral_ReportsMalformedRecordNotInvalidInput(string field, string literal)
    {
        var json = DrawRecordJson.Serialize(DrawVerifierTests.SampleRecord());
        var count = System.Text.RegularExpressions.Regex.Match(json, $"\"{field}\":(\\d+)");
        count.Success.Should().BeTrue();
        var edited = json[..count.Index] + $"\"{field}\":" + literal + json[(count.Index + count.Length)..];
        edited.Should().NotBe(json);

        // Spec section 4: such a record does not read, in C# as in Python.
        FluentActions.Invoking(() => DrawRecordJson.Deserialize(edited)).Should().Throw<Exception>();
        var (exitCode, output) = RunVerifierOnRecord(edited);
        exitCode.Should().Be(1, output);
        output.Should().StartWith("MISMATCH 不一致：记录格式错误 / malformed record:").And.Contain("JSON integer literal").And.NotContain("divergence at input");
    }

    [Theory]
    [InlineData("\"seed\":\"", "\"seed\":\"" + "00" + "\",\"seed\":\"", "duplicate key 'seed'")]
    [InlineData("\"count\":", "\"count\":9,\"count\":", "duplicate key 'count'")]
    [InlineData("\"succeeded\":true", "\"succeeded\":1", "succeeded must be true or false")]
    public void PythonVerifier_WhenAKeyRepeatsOrTheOutcomeIsNotABoolean_ReportsMalformedRecordAsCSharpDoes(string find, string replace, string reason)
    {
        var json = DrawRecordJson.Serialize(DrawVerifierTests.SampleRecord());
        var at = json.IndexOf(find, StringComparison.Ordinal);
        at.Should().BeGreaterThan(0);
        var edited = json[..at] + replace + json[(at + find.Length)..];

        // Spec section 9: a key given twice is malformed (a parser keeping the first would read another record).
        FluentActions.Invoking(() => DrawRecordJson.Deserialize(edited)).Should().Throw<Exception>();
        var (exitCode, output) = RunVerifierOnRecord(edited);
        exitCode.Should().Be(1, output);
        output.Should().StartWith("MISMATCH 不一致：记录格式错误 / malformed record:").And.Contain(reason);
    }

    /// <summary>
    /// Section 4: an input integer that is an integer literal out of its range, however long, is invalid input for both
    /// verifiers (C# said "document" with .NET's "One of the identified items was in an invalid format."), still after the
    /// steps before "input"; the C# message names the field.
    /// </summary>
    [Theory]
    [InlineData("ruleSetVersion", "9223372036854775808", "ruleSetVersion 9223372036854775808 is outside 0 ≤ n < 2^63")]
    [InlineData("ruleSetVersion", "-9223372036854775809", "ruleSetVersion -9223372036854775809 is outside")]
    [InlineData("count", "2147483648", "quota count 2147483648 is outside 1 ≤ n ≤ 2^31 − 1")]
    [InlineData("backups", "99999999999999999999", "quota backups 99999999999999999999 is outside 0 ≤ n ≤ 2^31 − 1")]
    [InlineData("count", "huge", "quota count 10000000000000000000…(5001 digits) is outside")]
    public void BothVerifiers_WhenAnInputIntegerIsOutOfRange_ReportInvalidInput(string field, string literal, string message)
    {
        var json = DrawRecordJson.Serialize(DrawVerifierTests.SampleRecord());
        var value = literal == "huge" ? "1" + new string('0', 5000) : literal;
        var edited = Replace(json, field, value);

        FluentActions.Invoking(() => DrawRecordJson.Deserialize(edited)).Should().Throw<JsonException>().WithMessage($"*{message}*");
        var (record, _, fault) = DrawRecordJson.ReadForVerification(Encoding.UTF8.GetBytes(edited));
        var report = DrawVerifier.Verify(record, fault);
        report.FirstDivergence.Should().Be("input");
        report.Actual.Should().Contain(message);
        var (exitCode, output) = RunVerifierOnRecord(edited);
        exitCode.Should().Be(1, output);
        output.Should().StartWith("MISMATCH 不一致：首个不一致之处为 input").And.Contain("divergence at input");

        // The steps before "input" still come first.
        var capitals = edited.Replace(record.Nonce, record.Nonce.ToUpperInvariant(), StringComparison.Ordinal);
        (record, _, fault) = DrawRecordJson.ReadForVerification(Encoding.UTF8.GetBytes(capitals));
        DrawVerifier.Verify(record, fault).FirstDivergence.Should().Be("nonce");
        RunVerifierOnRecord(capitals).Output.Should().Contain("divergence at nonce");
    }

    /// <summary>
    /// Section 9: an output integer is 32-bit, as every recomputed value is; outside that range the record is malformed for
    /// both verifiers (Python compared it and named the field, C# could not read it and gave .NET's message).
    /// </summary>
    [Theory]
    [InlineData("eligibleCount", "1099511627776", "quota eligibleCount 1099511627776 is outside the 32-bit range")]
    [InlineData("availableCount", "-2147483649", "quota availableCount -2147483649 is outside the 32-bit range")]
    [InlineData("rank", "2147483648", "members rank 2147483648 is outside the 32-bit range")]
    [InlineData("needed", "2147483648", "shortfall needed 2147483648 is outside the 32-bit range")]
    [InlineData("available", "huge", "is outside the 32-bit range")]
    public void BothVerifiers_WhenAnOutputIntegerIsOutside32Bits_SayTheRecordIsMalformed(string field, string literal, string message)
    {
        var input = DrawTestData.SingleQuota("output-range", DrawTestData.ExpertIds("output-range", 3), 5, 2);
        var json = field is "needed" or "available"
            ? DrawRecordJson.Serialize(DrawRecordDocument.Create(input, DrawAlgorithm.Run(input)))
            : DrawRecordJson.Serialize(DrawVerifierTests.SampleRecord());
        var edited = Replace(json, field, literal == "huge" ? "-1" + new string('0', 5000) : literal);

        FluentActions.Invoking(() => DrawRecordJson.Deserialize(edited)).Should().Throw<JsonException>().WithMessage($"*{message}*");
        FluentActions.Invoking(() => DrawRecordJson.ReadForVerification(Encoding.UTF8.GetBytes(edited))).Should().Throw<JsonException>().WithMessage($"*{message}*");
        var (exitCode, output) = RunVerifierOnRecord(edited);
        exitCode.Should().Be(1, output);
        output.Should().StartWith("MISMATCH 不一致：记录格式错误 / malformed record:").And.Contain("is outside the 32-bit range").And.NotContain("divergence");
    }

    /// <summary>
    /// Section 10: a value of another type than section 9 shows, or an entry lacking a member it shows, is a malformed
    /// record for both verifiers (Python said "nonce", "input", "quota Q1 shortfall"… where C# could not read it).
    /// </summary>
    [Theory]
    [InlineData("nonce", "nonce must be a string, not a number", "Property 'nonce' must be a string.")]
    [InlineData("algorithmVersion", "algorithmVersion must be a string, not a number", "Property 'algorithmVersion' must be a string.")]
    [InlineData("commitment", "commitment must be a string, not null", "Property 'commitment' must be a string.")]
    [InlineData("expertId", "each entry of expertIds must be a string, not a number", "Every entry of 'expertIds' must be a string.")]
    [InlineData("expertIds", "expertIds must be an array, not a string", "Property 'expertIds' must be an array.")]
    [InlineData("regionCode", "quota regionCode must be a string, not a number", "Property 'regionCode' must be a string.")]
    [InlineData("specialtyCode", "each entry of quotas lacks the member 'specialtyCode'", "Missing required property 'specialtyCode'.")]
    [InlineData("quotas", "quotas must be an array, not an object", "Property 'quotas' must be an array.")]
    [InlineData("entropy", "each entry of externalEntropy must be an object, not an array", "Expected a JSON object for 'source'.")]
    [InlineData("shortfall", "shortfall must be an object, not a string", "Expected a JSON object for 'needed'.")]
    [InlineData("score", "members score must be a string, not a number", "Property 'score' must be a string.")]
    [InlineData("member", "each entry of members must be an object, not a string", "Expected a JSON object for 'rank'.")]
    public void BothVerifiers_WhenAValueHasAnotherTypeThanSectionNineShows_SayTheRecordIsMalformed(string change, string python, string csharp)
    {
        var node = JsonNode.Parse(DrawRecordJson.Serialize(DrawVerifierTests.SampleRecord()))!.AsObject();
        switch (change)
        {
            case "nonce" or "algorithmVersion": node[change] = 5; break;
            case "commitment": node[change] = null; break;
            case "expertId": node["pool"]![0]!["expertIds"]![1] = 7; break;
            case "expertIds": node["pool"]![1]!["expertIds"] = "x"; break;
            case "regionCode": node["quotas"]![1]!["regionCode"] = 330100; break;
            case "specialtyCode": node["quotas"]![0]!.AsObject().Remove("specialtyCode"); break;
            case "quotas": node["quotas"] = new JsonObject(); break;
            case "entropy": node["externalEntropy"]![0] = new JsonArray(); break;
            case "shortfall": node["selection"]![0]!["shortfall"] = "x"; break;
            case "score": node["selection"]![0]!["members"]![0]!["score"] = 5; break;
            default: node["selection"]![0]!["members"]![0] = "x"; break;
        }

        var edited = node.ToJsonString();
        FluentActions.Invoking(() => DrawRecordJson.Deserialize(edited)).Should().Throw<JsonException>().WithMessage(csharp)
            .Which.Should().NotBeOfType<RecordMembersException>();
        var (exitCode, output) = RunVerifierOnRecord(edited);
        exitCode.Should().Be(1, output);
        output.Should().StartWith("MISMATCH 不一致：记录格式错误 / malformed record:").And.Contain(python).And.NotContain("divergence");
    }

    /// <summary>The record with the first integer value of <paramref name="field"/> written as <paramref name="literal"/>.</summary>
    private static string Replace(string json, string field, string literal)
    {
        var match = System.Text.RegularExpressions.Regex.Match(json, $"\"{field}\":-?\\d+");
        match.Success.Should().BeTrue(field);
        return json[..match.Index] + $"\"{field}\":" + literal + json[(match.Index + match.Length)..];
    }

    /// <summary>
    /// Sections 4, 9 and 10: every string of the record must be valid Unicode at any depth, in members nothing reads too,
    /// keys included. C# decoded only what it read and said MATCH for these; both now call them malformed.
    /// </summary>
    [Theory]
    [InlineData("\"quotas\":[{", "\"note\":\"\\ud800\",")]
    [InlineData("\"pool\":[{", "\"note\":\"x\\udfffy\",")]
    [InlineData("\"externalEntropy\":[{", "\"note\":[\"ok\",\"\\udc00\"],")]
    [InlineData("\"selection\":[{", "\"note\":\"\\ud83d\",")]
    [InlineData("\"members\":[{", "\"note\":\"\\ud800\\ud800\",")]
    [InlineData("\"quotas\":[{", "\"note\":{\"a\":[{\"b\":\"\\ud800\"}]},")]
    [InlineData("\"selection\":[{", "\"\\ud800\":1,")]
    [InlineData("\"quotas\":[{", "\"note\":{\"\\udbff\":null},")]
    [InlineData("{", "\"\\udc00\":1,")]
    public void BothVerifiers_WhenAnEscapedStringNothingReadsIsNotValidUnicode_SayTheRecordIsMalformed(string anchor, string insert)
    {
        var json = DrawRecordJson.Serialize(DrawVerifierTests.SampleRecord());
        var at = json.IndexOf(anchor, StringComparison.Ordinal) + anchor.Length;
        var edited = json[..at] + insert + json[at..];
        var paired = json[..at] + "\"note\":{\"\\ud83d\\ude00\":\"\\ud83d\\ude00 \\n\"}," + json[at..];

        FluentActions.Invoking(() => DrawRecordJson.Deserialize(Encoding.UTF8.GetBytes(edited))).Should().Throw<JsonException>().WithMessage("*not valid Unicode*");
        var (exitCode, output) = RunVerifierOnRecord(edited);
        exitCode.Should().Be(1, output);
        output.Should().StartWith("MISMATCH 不一致：记录格式错误 / malformed record:").And.Contain("lone surrogate");

        // An escaped pair is one valid character, in a value or a key: that record reads, and matches (in an entry; at the
        // top level any other member is the divergence "members").
        if (anchor == "{")
        {
            return;
        }

        DrawVerifier.Verify(DrawRecordJson.Deserialize(Encoding.UTF8.GetBytes(paired))).Matches.Should().BeTrue();
        (exitCode, output) = RunVerifierOnRecord(paired);
        exitCode.Should().Be(0, output);
    }

    [Fact]
    public void BothVerifiers_WhenTheBytesAreNotUtf8_SayTheRecordIsMalformed()
    {
        var json = Encoding.UTF8.GetBytes(DrawRecordJson.Serialize(DrawVerifierTests.SampleRecord()));
        var anchor = "\"quotas\":[{"u8;
        var at = json.AsSpan().IndexOf(anchor) + anchor.Length;
        // An ignored member holding a byte that is never UTF-8.
        byte[] edited = [.. json[..at], .. "\"note\":\"a"u8, 0xFF, .. "b\","u8, .. json[at..]];

        FluentActions.Invoking(() => DrawRecordJson.Deserialize(edited)).Should().Throw<JsonException>().WithMessage("The record is not valid UTF-8 text.");
        var file = Path.Combine(Path.GetTempPath(), $"record-{Guid.NewGuid():N}.json");
        File.WriteAllBytes(file, edited);
        try
        {
            var (exitCode, output) = RunVerifier("--record", file);
            exitCode.Should().Be(1, output);
            output.Should().StartWith("MISMATCH 不一致：记录格式错误 / malformed record: the text is not valid UTF-8");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// Section 9: arrays and objects nest at most 64 levels deep, the record being level 1. Both verifiers take 64 and refuse
    /// 65 as malformed, in the context or in a member of an entry that nothing reads, and Python reads a thousand levels
    /// without a RecursionError.
    /// </summary>
    [Theory]
    [InlineData("context", 64, true)]
    [InlineData("context", 65, false)]
    [InlineData("context", 1000, false)]
    [InlineData("context", 5000, false)]
    [InlineData("quota", 64, true)]
    [InlineData("quota", 65, false)]
    [InlineData("entropy", 1000, false)]
    public void BothVerifiers_WhenArraysNestDeeperThan64Levels_SayTheRecordIsMalformed(string where, int levels, bool reads)
    {
        var json = DrawRecordJson.Serialize(DrawVerifierTests.SampleRecord());
        // The record is level 1; the context object, or the quotas array and its first quota (or the entropy list and its
        // first entry), take the next levels; the rest are arrays, around a string holding brackets.
        var (anchor, above) = where switch
        {
            "context" => (",\"context\":{", 2),
            "quota" => ("\"quotas\":[{", 3),
            _ => ("\"externalEntropy\":[{", 3),
        };
        var arrays = levels - above;
        var at = json.IndexOf(anchor, StringComparison.Ordinal) + anchor.Length;
        var edited = json[..at] + "\"deep\":" + new string('[', arrays) + "\"[{\\\"\"" + new string(']', arrays) + "," + json[at..];

        var (exitCode, output) = RunVerifierOnRecord(edited);
        if (reads)
        {
            DrawVerifier.Verify(DrawRecordJson.Deserialize(edited)).Matches.Should().BeTrue();
            exitCode.Should().Be(0, output);
            output.Should().StartWith("MATCH");
            return;
        }

        FluentActions.Invoking(() => DrawRecordJson.Deserialize(edited)).Should().Throw<JsonException>().WithMessage("*maximum configured depth of 64*");
        exitCode.Should().Be(1, output);
        output.Should().StartWith("MISMATCH 不一致：记录格式错误 / malformed record: arrays and objects nest deeper than 64 levels").And.NotContain("Traceback");
    }

    [Fact]
    public void PythonVerifier_WhenAVectorFileNestsTooDeeply_SaysSoWithoutATraceback()
    {
        var file = Path.Combine(Path.GetTempPath(), $"vectors-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, "{\"algorithmVersion\":\"ExpertPool-Draw-2\",\"vectors\":" + new string('[', 5000) + new string(']', 5000) + "}", new UTF8Encoding(false));
        try
        {
            var (exitCode, output) = RunVerifier(file);
            exitCode.Should().Be(1, output);
            output.Should().StartWith("MISMATCH 不一致：向量文件格式错误 / malformed vector file: arrays and objects nest deeper than 64 levels").And.NotContain("Traceback");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Section 10, first row: a record is a single JSON object; anything else is malformed, not a divergence.</summary>
    [Theory]
    [InlineData("[{\"algorithmVersion\":\"ExpertPool-Draw-2\"}]", "not an array")]
    [InlineData("\"record\"", "not a string")]
    [InlineData("3", "not a number")]
    [InlineData("null", "not null")]
    public void BothVerifiers_WhenTheRecordIsNotAnObject_SayItIsMalformed(string json, string reason)
    {
        FluentActions.Invoking(() => DrawRecordJson.Deserialize(json)).Should().Throw<JsonException>().WithMessage("Expected a JSON object for 'record'.");
        var (exitCode, output) = RunVerifierOnRecord(json);
        exitCode.Should().Be(1, output);
        output.Should().StartWith("MISMATCH 不一致：记录格式错误 / malformed record:").And.Contain(reason).And.NotContain("divergence");
    }

    [Theory]
    [InlineData("{\"algorithmVersion\":")]
    [InlineData("[1,2]")]
    [InlineData("{\"context\":\"\\ud800\"}")]
    public void PythonVerifier_WhenGivenTheSha256_ChecksItBeforeReadingTheFile(string damaged)
    {
        var file = Path.Combine(Path.GetTempPath(), $"record-{Guid.NewGuid():N}.json");
        var stored = DrawRecordJson.Serialize(DrawVerifierTests.SampleRecord());
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(stored)));
        File.WriteAllText(file, damaged, new UTF8Encoding(false));
        try
        {
            // Specification section 9: the hash comes before anything else, so a damaged file is first of all not the stored one.
            var (exitCode, output) = RunVerifier("--record", file, "--sha256", sha256);
            exitCode.Should().Be(1, output);
            output.Should().StartWith("MISMATCH 不一致：首个不一致之处为 documentSha256").And.Contain("divergence at documentSha256").And.NotContain("malformed");

            File.WriteAllText(file, stored, new UTF8Encoding(false));
            (exitCode, output) = RunVerifier("--record", file, "--sha256", sha256.ToUpperInvariant());
            exitCode.Should().Be(0, output);
            output.Should().Contain("document SHA-256 as published");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("cp1252")]
    [InlineData("ascii")]
    public void PythonVerifier_WhenTheConsoleIsNotUtf8_StillWritesItsMessagesInUtf8(string encoding)
    {
        var file = Path.Combine(Path.GetTempPath(), $"record-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, DrawRecordJson.Serialize(DrawVerifierTests.SampleRecord()), new UTF8Encoding(false));
        try
        {
            // Chinese cannot be written in cp1252 or ASCII: the verifier writes UTF-8 rather than fail with UnicodeEncodeError.
            var (exitCode, output) = RunVerifierWithEncoding(encoding, "--record", file);
            exitCode.Should().Be(0, output);
            output.Should().StartWith("MATCH 一致：").And.NotContain("Traceback");

            (exitCode, output) = RunVerifierWithEncoding(encoding, "--record", file, "--commitment", new string('0', 64), "--entropy", "监督人 🎲");
            exitCode.Should().Be(1, output);
            output.Should().Contain("divergence at publishedCommitment").And.Contain("首个不一致之处为").And.NotContain("Traceback");

            (exitCode, output) = RunVerifierWithEncoding(encoding, Path.Combine("docs", "draw-test-vectors.json"));
            exitCode.Should().Be(0, output);
            output.Should().Contain("个向量一致 / vectors match");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Runs the Python verifier on a record given as text (written to a temporary file, deleted after).</summary>
    private static (int ExitCode, string Output) RunVerifierOnRecord(string json)
    {
        var file = Path.Combine(Path.GetTempPath(), $"record-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, json, new UTF8Encoding(false));
        try
        {
            return RunVerifier("--record", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    internal static (int ExitCode, string Output) RunVerifier(params string[] arguments) => RunVerifierWithEncoding("utf-8", arguments);

    /// <summary>Runs the Python verifier with <c>PYTHONIOENCODING</c> set to <paramref name="pythonIoEncoding"/> (a console's code page).</summary>
    private static (int ExitCode, string Output) RunVerifierWithEncoding(string pythonIoEncoding, params string[] arguments)
    {
        var root = DrawTestData.RepoRoot();
        var start = new ProcessStartInfo(FindPython())
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.Environment["PYTHONIOENCODING"] = pythonIoEncoding;
        start.ArgumentList.Add(Path.Combine(root, "tools", "verify_draw.py"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Python.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit(60_000).Should().BeTrue("the Python verifier should finish within a minute");
        return (process.ExitCode, stdout + stderr.Result);
    }

    private static string FindPython()
    {
        if (File.Exists("/usr/bin/python3"))
        {
            return "/usr/bin/python3";
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in new[] { "python3", "python3.exe", "python.exe" })
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException("No Python 3 interpreter found (/usr/bin/python3 or python3 on PATH); the verifier test cannot run.");
    }
}
