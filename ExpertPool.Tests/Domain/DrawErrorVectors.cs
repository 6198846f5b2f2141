using System.Text;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Tests.Domain;

/// <summary>
/// Generator for docs/draw-error-vectors.json: one small valid record and edits of its exact text, each with the outcome
/// the specification (sections 4, 9 and 10) gives it: <c>match</c>, <c>malformed</c>, or a divergence and its label.
/// The outcomes are written here from the specification, not taken from either verifier; <see cref="DrawErrorVectorTests"/>
/// checks the C# service and <see cref="PythonVerifierTests"/> tools/verify_draw.py against them, and that the committed
/// file equals <see cref="Render"/> (set EXPERTPOOL_WRITE_VECTORS=1 when running the tests to rewrite it).
/// </summary>
internal static class DrawErrorVectors
{
    public const string RelativePath = "docs/draw-error-vectors.json";

    public const string Match = "match";
    public const string Malformed = "malformed";
    public const string Divergence = "divergence";

    /// <param name="Record">The exact bytes of the document.</param>
    /// <param name="Label">The first divergence (section 10), only when <paramref name="Outcome"/> is <see cref="Divergence"/>.</param>
    public sealed record ErrorCase(string Name, string Description, byte[] Record, string Outcome, string? Label);

    /// <summary>The draw every case starts from: two quotas (Q2 region-bound), members and backups, one entropy value.</summary>
    public static DrawInput BaseInput() => new(
        DrawTestData.DrawId("error-vectors"),
        DrawTestData.Nonce("error-vectors"),
        3,
        [new DrawQuota("Q1", "0203", null, 2, 1), new DrawQuota("Q2", "0511", "330100", 1, 1)],
        [new QuotaPool("Q1", DrawTestData.ExpertIds("error-vectors-q1", 5)), new QuotaPool("Q2", DrawTestData.ExpertIds("error-vectors-q2", 4))],
        [new EntropyInput("supervisor", "20261122-3D:581")]);

    public static DrawRecordDocument BaseRecord()
    {
        var input = BaseInput();
        var context = new JsonObject
        {
            ["requester"] = "市场监管局",
            ["supervisor"] = "王某",
            ["exclusions"] = new JsonArray(new JsonObject { ["expertId"] = DrawTestData.ExpertId("error-vectors-excluded", 0), ["rule"] = "回避" }),
        };
        return DrawRecordDocument.Create(input, DrawAlgorithm.Run(input), context);
    }

    public static IReadOnlyList<ErrorCase> Cases()
    {
        var record = BaseRecord();
        var text = DrawRecordJson.Serialize(record);
        var q1 = record.Selection[0];
        var (m1, m2, b1) = (q1.Members[0], q1.Members[1], q1.Backups[0]);
        var q1Pool = record.Pool[0].ExpertIds;
        var contextAt = text.IndexOf(",\"context\":", StringComparison.Ordinal);
        var withoutContext = text[..contextAt];
        var otherNonce = DrawTestData.Hex("error-vectors another nonce");
        var cases = new List<ErrorCase>();

        void Add(string name, string description, string document, string outcome, string? label = null) =>
            cases.Add(new(name, description, Encoding.UTF8.GetBytes(document), outcome, label));

        void AddBytes(string name, string description, byte[] document, string outcome) =>
            cases.Add(new(name, description, document, outcome, null));

        string Edit(string find, string replace) => Once(text, find, replace);

        // The record with a member inserted at the start of the first object after `anchor`.
        string Insert(string anchor, string member) => Once(text, anchor, anchor + member);

        string Nest(int levels) =>
            // The record is level 1, the context object level 2; the rest are arrays around a string holding brackets.
            Insert(",\"context\":{", "\"deep\":" + new string('[', levels - 2) + "\"[{\\\"\"" + new string(']', levels - 2) + ",");

        // ---- records that verify (section 9: what a reader must accept)
        Add("base-record", "The valid record every other case is an edit of.", text, Match);
        Add("context-absent", "The record without its optional context member.", withoutContext + "}", Match);
        Add("context-null", "The context is null, the same as absent.", withoutContext + ",\"context\":null}", Match);
        Add("trailing-whitespace", "A line feed after the record: JSON allows whitespace around the value.", text + "\n", Match);
        Add("nesting-depth-64", "Arrays in the context nest to depth 64 in all (the record's object is level 1): the deepest allowed.", Nest(64), Match);
        Add("unknown-member-in-entry", "A quota entry carries a member section 9 does not show: inside entries other members are ignored.",
            Insert("\"quotas\":[{", "\"note\":\"备注\","), Match);
        Add("escaped-surrogate-pair-in-ignored-member", "An ignored member holds an escaped surrogate pair (\\ud83d\\ude00), one valid character.",
            Insert("\"pool\":[{", "\"note\":\"\\ud83d\\ude00\","), Match);

        // ---- divergences, in the order of the table of section 10
        Add("unknown-top-level-key", "A top-level member the specification does not name.", Edit(",\"seed\":", ",\"note\":\"x\",\"seed\":"), Divergence, "members");
        Add("missing-top-level-key", "The top-level member poolHash is missing.", Edit($",\"poolHash\":\"{record.PoolHash}\"", ""), Divergence, "members");
        Add("unknown-top-level-key-before-wrong-type", "An unknown top-level member and a succeeded that is a string: the members are checked before the types.",
            Edit(",\"succeeded\":true", ",\"note\":1,\"succeeded\":\"yes\""), Divergence, "members");
        Add("algorithm-version-unknown", "algorithmVersion names a version that does not exist.",
            Edit("\"ExpertPool-Draw-2\"", "\"ExpertPool-Draw-9\""), Divergence, "algorithmVersion");
        Add("nonce-uppercase", "The nonce's 64 hexadecimal characters are in capitals (the same 32 bytes).",
            Edit(record.Nonce, record.Nonce.ToUpperInvariant()), Divergence, "nonce");
        Add("nonce-short", "The nonce has 62 hexadecimal characters (31 bytes).", Edit(record.Nonce, record.Nonce[..62]), Divergence, "nonce");
        Add("nonce-changed", "Another valid nonce, whose SHA-256 commitment is not the recorded one.", Edit(record.Nonce, otherNonce), Divergence, "commitment");
        Add("commitment-changed", "The commitment's last hexadecimal digit is changed.",
            Edit(record.Commitment, record.Commitment[..63] + (record.Commitment[63] == '0' ? '1' : '0')), Divergence, "commitment");
        Add("nonce-uppercase-before-input", "A nonce in capitals and a ruleSetVersion of 2^63: the nonce is checked before the inputs.",
            Once(Edit(record.Nonce, record.Nonce.ToUpperInvariant()), "\"ruleSetVersion\":3,", "\"ruleSetVersion\":9223372036854775808,"), Divergence, "nonce");
        Add("input-rule-set-version-out-of-range", "ruleSetVersion is 2^63, an integer literal outside 0 <= n < 2^63: invalid input.",
            Edit("\"ruleSetVersion\":3,", "\"ruleSetVersion\":9223372036854775808,"), Divergence, "input");
        Add("input-count-out-of-range", "Q1's count is 2^31, an integer literal outside 1 <= n <= 2^31 - 1: invalid input.",
            Edit("\"count\":2,", "\"count\":2147483648,"), Divergence, "input");
        Add("input-backups-long-literal", "Q1's backups is a 121-digit integer literal, which no 64-bit integer holds: still invalid input.",
            Edit("\"regionCode\":null,\"count\":2,\"backups\":1", "\"regionCode\":null,\"count\":2,\"backups\":1" + new string('0', 120)), Divergence, "input");
        Add("input-empty-region-code", "Q2's regionCode is the empty string (null means no region): invalid input.",
            Edit("\"regionCode\":\"330100\"", "\"regionCode\":\"\""), Divergence, "input");
        Add("pool-id-changed", "One expert id in Q1's pool is replaced by another.",
            DrawRecordJson.Serialize(record with { Pool = [record.Pool[0] with { ExpertIds = [DrawTestData.ExpertId("error-vectors-other", 0), .. q1Pool.Skip(1)] }, record.Pool[1]] }),
            Divergence, "poolHash");
        Add("pool-id-moved-between-quotas", "One expert id is moved from Q1's pool to Q2's.",
            DrawRecordJson.Serialize(record with { Pool = [record.Pool[0] with { ExpertIds = [.. q1Pool.Skip(1)] }, record.Pool[1] with { ExpertIds = [.. record.Pool[1].ExpertIds, q1Pool[0]] }] }),
            Divergence, "poolHash");
        Add("entropy-value-changed", "The external entropy value is changed.", Edit("\"20261122-3D:581\"", "\"20261122-3D:582\""), Divergence, "seed");
        Add("rule-set-version-changed", "ruleSetVersion is 4 instead of 3.", Edit("\"ruleSetVersion\":3,", "\"ruleSetVersion\":4,"), Divergence, "seed");
        Add("rule-set-version-largest", "ruleSetVersion is 2^63 - 1, the largest valid value, instead of 3.",
            Edit("\"ruleSetVersion\":3,", "\"ruleSetVersion\":9223372036854775807,"), Divergence, "seed");
        Add("succeeded-false", "succeeded is false for a draw that succeeds.", Edit("\"succeeded\":true", "\"succeeded\":false"), Divergence, "succeeded");
        Add("selection-entry-dropped", "The selection lists Q1 only.", DrawRecordJson.Serialize(record with { Selection = [q1] }), Divergence, "selection count");
        Add("selection-key-changed", "The first selection entry's quotaKey is Q9.", Edit("\"selection\":[{\"quotaKey\":\"Q1\"", "\"selection\":[{\"quotaKey\":\"Q9\""),
            Divergence, "quota Q1 key");
        Add("eligible-count-changed", "Q1's eligibleCount is 6 instead of 5.", Edit("\"quotaKey\":\"Q1\",\"eligibleCount\":5,", "\"quotaKey\":\"Q1\",\"eligibleCount\":6,"),
            Divergence, "quota Q1 eligibleCount");
        Add("eligible-count-smallest", "Q1's eligibleCount is -2^31: inside the 32-bit range, so a divergence of its field.",
            Edit("\"quotaKey\":\"Q1\",\"eligibleCount\":5,", "\"quotaKey\":\"Q1\",\"eligibleCount\":-2147483648,"), Divergence, "quota Q1 eligibleCount");
        Add("member-score-changed", "The score of Q1's first member is changed.",
            Edit(m1.Score, m1.Score[..63] + (m1.Score[63] == '0' ? '1' : '0')), Divergence, "quota Q1 member rank 1");
        Add("member-replaced-by-backup", "Q1's second member is replaced by its first backup (ranked 2).",
            DrawRecordJson.Serialize(record with { Selection = [q1 with { Members = [m1, b1 with { Rank = 2 }] }, record.Selection[1]] }), Divergence, "quota Q1 member rank 2");
        Add("member-dropped", "Q1's second member is dropped from the selection.",
            DrawRecordJson.Serialize(record with { Selection = [q1 with { Members = [m1] }, record.Selection[1]] }), Divergence, "quota Q1 member count");
        Add("backup-shortfall-added", "Q1 reports a backup shortfall it does not have.",
            DrawRecordJson.Serialize(record with { Selection = [q1 with { BackupShortfall = new Shortfall(1, 0) }, record.Selection[1]] }), Divergence, "quota Q1 backupShortfall");

        // ---- malformed records (section 10, first and third rows)
        Add("empty-text", "No text at all.", "", Malformed);
        Add("truncated", "The record's last character is missing.", text[..^1], Malformed);
        Add("top-level-array", "The record inside an array: a record is a single JSON object.", "[" + text + "]", Malformed);
        Add("top-level-null", "The text is the JSON value null.", "null", Malformed);
        Add("trailing-data", "A second JSON value after the record.", text + "{}", Malformed);
        Add("trailing-comma", "A comma after the last top-level member.", text[..^1] + ",}", Malformed);
        AddBytes("byte-order-mark", "The record preceded by a UTF-8 byte order mark (EF BB BF), which is not part of a JSON text.",
            [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)], Malformed);
        AddBytes("invalid-utf8", "An ignored member of a quota entry holds the byte FF, which is never UTF-8.",
            Splice(text, "\"quotas\":[{", "\"note\":\"a"u8, [0xFF], "b\","u8), Malformed);
        AddBytes("invalid-utf8-encoded-surrogate", "An ignored member holds ED A0 80, the three bytes U+D800 would take: not UTF-8.",
            Splice(text, "\"quotas\":[{", "\"note\":\"a"u8, [0xED, 0xA0, 0x80], "b\","u8), Malformed);
        Add("duplicate-top-level-key", "The top-level key seed appears twice.", Edit(",\"succeeded\":", $",\"seed\":\"{record.Seed}\",\"succeeded\":"), Malformed);
        Add("duplicate-key-escaped", "The top-level key seed appears twice, once written with an escape (\\u0073eed): the same key.",
            Edit(",\"succeeded\":", $",\"\\u0073eed\":\"{record.Seed}\",\"succeeded\":"), Malformed);
        Add("duplicate-key-in-entry", "Q1's quota entry gives count twice, with two values.", Edit("\"count\":2,", "\"count\":2,\"count\":3,"), Malformed);
        Add("duplicate-context", "The top-level key context appears twice.", withoutContext + ",\"context\":null" + text[contextAt..], Malformed);
        Add("lone-surrogate-in-ignored-member", "An ignored member of a quota entry holds the escape \\ud800 alone, not valid Unicode.",
            Insert("\"quotas\":[{", "\"note\":\"\\ud800\","), Malformed);
        Add("lone-surrogate-in-context", "A string in the context holds the escape \\udc00 alone.", Insert(",\"context\":{", "\"note\":\"x\\udc00y\","), Malformed);
        Add("lone-surrogate-in-key", "A key in a selection entry is the escape \\ud800 alone.", Insert("\"selection\":[{", "\"\\ud800\":1,"), Malformed);
        Add("nesting-depth-65", "Arrays in the context nest to depth 65 in all: one level more than allowed.", Nest(65), Malformed);
        Add("nan-in-context", "A context member whose value is NaN, which is not JSON.", Insert(",\"context\":{", "\"n\":NaN,"), Malformed);
        Add("infinity-as-integer", "ruleSetVersion is Infinity, which is not JSON.", Edit("\"ruleSetVersion\":3,", "\"ruleSetVersion\":Infinity,"), Malformed);
        Add("output-integer-out-of-range", "Q1's eligibleCount is 2^31, outside the 32-bit range of an output integer.",
            Edit("\"quotaKey\":\"Q1\",\"eligibleCount\":5,", "\"quotaKey\":\"Q1\",\"eligibleCount\":2147483648,"), Malformed);
        Add("output-rank-out-of-range", "The rank of Q1's first member is -2^31 - 1, outside the 32-bit range.",
            Edit($"\"rank\":1,\"expertId\":\"{m1.ExpertId}\"", $"\"rank\":-2147483649,\"expertId\":\"{m1.ExpertId}\""), Malformed);
        Add("integer-with-fraction", "Q1's count is written 2.0: not an integer literal.", Edit("\"count\":2,", "\"count\":2.0,"), Malformed);
        Add("integer-with-exponent", "Q1's count is written 2e0: not an integer literal.", Edit("\"count\":2,", "\"count\":2e0,"), Malformed);
        Add("integer-as-string", "Q1's count is the string \"2\".", Edit("\"count\":2,", "\"count\":\"2\","), Malformed);
        Add("nonce-not-a-string", "The nonce is a number.", Edit($"\"nonce\":\"{record.Nonce}\"", "\"nonce\":5"), Malformed);
        Add("succeeded-not-a-boolean", "succeeded is the string \"true\".", Edit("\"succeeded\":true", "\"succeeded\":\"true\""), Malformed);
        Add("region-code-number", "Q2's regionCode is the number 330100.", Edit("\"regionCode\":\"330100\"", "\"regionCode\":330100"), Malformed);
        Add("expert-id-number", "An expert id in Q1's pool is the number 7.", Edit($"\"expertIds\":[\"{q1Pool[0]}\",", "\"expertIds\":[7,"), Malformed);
        var quotasAt = text.IndexOf("\"quotas\":", StringComparison.Ordinal);
        var poolAt = text.IndexOf(",\"pool\":", StringComparison.Ordinal);
        Add("quotas-not-an-array", "quotas is an object.", text[..quotasAt] + "\"quotas\":{}" + text[poolAt..], Malformed);
        Add("shortfall-not-an-object", "Q1's shortfall is a string.", Edit("\"shortfall\":null,\"backupShortfall\":null},{\"quotaKey\":\"Q2\"", "\"shortfall\":\"x\",\"backupShortfall\":null},{\"quotaKey\":\"Q2\""), Malformed);
        Add("entry-lacks-member", "Q1's quota entry has no specialtyCode.", Edit("\"specialtyCode\":\"0203\",", ""), Malformed);
        Add("context-not-an-object", "The context is an array.", withoutContext + ",\"context\":[1,2]}", Malformed);
        Add("wrong-type-before-divergence", "succeeded is a string and algorithmVersion unknown: the record must read before anything is compared.",
            Once(Edit("\"succeeded\":true", "\"succeeded\":\"yes\""), "\"ExpertPool-Draw-2\"", "\"ExpertPool-Draw-9\""), Malformed);
        return cases;
    }

    /// <summary>Writes the file: the cases in order, each record as its exact text, or as base64 when it is not UTF-8.</summary>
    public static string Render()
    {
        var writer = new CanonicalJsonWriter(indented: true);
        writer.StartObject()
            .Property("algorithmVersion", DrawAlgorithm.Version)
            .Property("about", "Records that are malformed or diverge, and edits that still verify, each with the outcome the specification gives it (docs/draw-algorithm.md sections 4, 9 and 10). "
                + "Generated by ExpertPool.Tests/Domain/DrawErrorVectors.cs from one valid record (case base-record). "
                + $"Check with: python3 tools/verify_draw.py --error-vectors {RelativePath}")
            .Name("cases").StartArray();
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        foreach (var c in Cases())
        {
            writer.StartObject().Property("name", c.Name).Property("description", c.Description);
            string? textForm;
            try
            {
                textForm = strict.GetString(c.Record);
            }
            catch (DecoderFallbackException)
            {
                textForm = null;
            }

            if (textForm is null)
            {
                writer.Property("recordBase64", Convert.ToBase64String(c.Record));
            }
            else
            {
                writer.Property("record", textForm);
            }

            writer.Name("expected").StartObject().Property("outcome", c.Outcome);
            if (c.Label is not null)
            {
                writer.Property("label", c.Label);
            }

            writer.EndObject().EndObject();
        }

        writer.EndArray().EndObject();
        // A byte order mark is invisible in a string: written as its escape.
        return writer.ToString().Replace("\uFEFF", "\\ufeff", StringComparison.Ordinal) + "\n";
    }

    /// <summary><paramref name="text"/> with <paramref name="find"/>, which must occur exactly once, replaced.</summary>
    private static string Once(string text, string find, string replace)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        if (at < 0 || text.IndexOf(find, at + 1, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"'{find}' must occur exactly once in the record.");
        }

        return string.Concat(text.AsSpan(0, at), replace, text.AsSpan(at + find.Length));
    }

    /// <summary>The UTF-8 bytes of <paramref name="text"/> with the given bytes inserted after <paramref name="anchor"/>.</summary>
    private static byte[] Splice(string text, string anchor, ReadOnlySpan<byte> before, ReadOnlySpan<byte> raw, ReadOnlySpan<byte> after)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var at = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(anchor)) + Encoding.UTF8.GetByteCount(anchor);
        return [.. bytes.AsSpan(0, at), .. before, .. raw, .. after, .. bytes.AsSpan(at)];
    }
}
