using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace ExpertPool.Domain.Draws.Algorithm;

/// <summary>
/// Canonical JSON for <see cref="DrawRecordDocument"/>: camelCase keys in a fixed order, no whitespace, UTF-8 text with
/// Chinese and emoji written unescaped (only <c>"</c>, <c>\</c> and control characters are escaped), nulls written
/// explicitly. Serialising a deserialised record gives back the same text (for records whose context uses plain JSON values).
/// </summary>
public static class DrawRecordJson
{
    /// <summary>
    /// How deeply arrays and objects may nest, the record's own object being level 1 (specification section 9): deeper is
    /// malformed, for tools/verify_draw.py too. It is System.Text.Json's default, written out so that it cannot change unseen.
    /// </summary>
    internal const int MaxDepth = 64;

    // A key given twice is malformed (spec section 9): readers disagree on which of the two counts.
    private static readonly JsonDocumentOptions ReadOptions = new()
    {
        AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, AllowDuplicateProperties = false, MaxDepth = MaxDepth,
    };

    private static readonly string[] TopLevelKeys =
    [
        "algorithmVersion", "drawId", "commitment", "nonce", "ruleSetVersion", "quotas", "pool", "externalEntropy",
        "poolHash", "seed", "succeeded", "selection", "context",
    ];

    public static string Serialize(DrawRecordDocument record) => Serialize(record, withSha256: false).Text;

    /// <summary>
    /// <see cref="Serialize(DrawRecordDocument)"/> plus the SHA-256 of the text's UTF-8 bytes (lowercase hex), hashed from the
    /// writer's buffer while the string is being made from it.
    /// </summary>
    internal static (string Text, string Sha256) SerializeWithSha256(DrawRecordDocument record)
    {
        var (text, sha256) = Serialize(record, withSha256: true);
        return (text, sha256!);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (string Text, string? Sha256) Serialize(DrawRecordDocument record, bool withSha256)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var writer = new CanonicalJsonWriter(initialCapacity: CapacityHint(record));
        writer.StartObject();
        writer.Property("algorithmVersion", record.AlgorithmVersion)
            .Property("drawId", record.DrawId)
            .Property("commitment", record.Commitment)
            .Property("nonce", record.Nonce)
            .Property("ruleSetVersion", record.RuleSetVersion);
        WriteInputLists(writer, record.Quotas, record.Pool, record.ExternalEntropy);
        writer.Property("poolHash", record.PoolHash)
            .Property("seed", record.Seed)
            .Property("succeeded", record.Succeeded);
        writer.Name("selection").StartArray();
        foreach (var selection in record.Selection)
        {
            WriteSelection(writer, selection, entropyBits: null);
        }

        writer.EndArray();
        writer.Name("context");
        record.WriteContext(writer);
        writer.EndObject();
        string? text = null;
        string? sha256 = null;
        if (withSha256)
        {
            // Both only read the finished buffer; the hash takes as long as making a string of megabytes.
            Parallel.Invoke(() => text = writer.ToString(), () => sha256 = CanonicalEncoder.Sha256HexOfUtf8(writer.WrittenSpan));
        }
        else
        {
            text = writer.ToString();
        }

        Volatile.Write(ref s_lastLength, text!.Length);
        return (text, sha256);
    }

    /// <summary>Length of the last record written: the next one (same host, similar pools and exclusions) is likely as long.</summary>
    private static int s_lastLength;

    /// <summary>
    /// Room for the pool (a lowercase GUID id is 36 characters plus quotes and comma) or for as much as the last record took,
    /// whichever is more, so that the buffer rarely has to grow (each growth copies everything written so far).
    /// </summary>
    private static int CapacityHint(DrawRecordDocument record)
    {
        var ids = 0L;
        foreach (var pool in record.Pool)
        {
            ids += pool.ExpertIds.Count;
        }

        return (int)Math.Min(1 << 26, Math.Max(4096 + (ids * 40), Volatile.Read(ref s_lastLength) + 4096L));
    }

    /// <summary>Reads a record; throws <see cref="JsonException"/> when a field is missing, unknown or of the wrong type.</summary>
    public static DrawRecordDocument Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(json));
        try
        {
            if (Utf8.FromUtf16(json, buffer, out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
            {
                // Not valid UTF-16 (a lone surrogate): JsonDocument refuses it with its own exception.
                using var invalid = JsonDocument.Parse(json, ReadOptions);
                throw new ArgumentException("The record text is not valid UTF-16.", nameof(json));
            }

            return Deserialize(buffer.AsMemory(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads a record from its UTF-8 text. One pass with a reader checks the whole text is JSON (the same errors as
    /// <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/>) and finds the context; only the rest is
    /// parsed into a document, since the context can be most of the record (thousands of exclusions) and the verifier ignores
    /// it. The context stays text, parsed if someone reads <see cref="DrawRecordDocument.Context"/>.
    /// </summary>
    public static DrawRecordDocument Deserialize(ReadOnlyMemory<byte> utf8) => Read(utf8, keepContext: true).Record;

    /// <summary>
    /// Reads a record for verification: the same checks as <see cref="Deserialize(ReadOnlyMemory{byte})"/>, but the
    /// context is not kept (the record's <see cref="DrawRecordDocument.Context"/> is null, so it must not be written out
    /// again); its outline, gathered in the pass that checks the text, is returned instead.
    /// <para>
    /// An input integer that is an integer literal too large for its field (<c>ruleSetVersion</c> past 2^63, a quota's
    /// <c>count</c> or <c>backups</c> past 2^31) is invalid input, not an unreadable record (specification section 4): it
    /// is read as a value section 4 refuses, and <paramref name="utf8"/>'s first such field is returned as
    /// <c>InputFault</c>, for the verifier's "input" step (<see cref="DrawVerifier.Verify(DrawRecordDocument, string?)"/>).
    /// <see cref="Deserialize(ReadOnlyMemory{byte})"/> refuses such a record instead.
    /// </para>
    /// </summary>
    internal static (DrawRecordDocument Record, ContextOutline? Outline, string? InputFault) ReadForVerification(ReadOnlyMemory<byte> utf8) =>
        Read(utf8, keepContext: false);

    private static (DrawRecordDocument Record, ContextOutline? Outline, string? InputFault) Read(ReadOnlyMemory<byte> utf8, bool keepContext)
    {
        // Every string must be valid Unicode (specification section 4): the reader checks raw UTF-8 only in what it
        // decodes, and most of a record (members nothing reads) it never decodes.
        if (!Utf8.IsValid(utf8.Span))
        {
            throw new JsonException("The record is not valid UTF-8 text.");
        }

        var (contexts, outline) = FindTopLevelContexts(utf8.Span);
        byte[]? spliced = null;
        try
        {
            var text = utf8;
            if (contexts.Count > 0)
            {
                // The same text with each top-level context value replaced by null.
                spliced = ArrayPool<byte>.Shared.Rent(utf8.Length + (4 * contexts.Count));
                var length = 0;
                var from = 0;
                foreach (var (start, end, _) in contexts)
                {
                    utf8.Span[from..start].CopyTo(spliced.AsSpan(length));
                    length += start - from;
                    "null"u8.CopyTo(spliced.AsSpan(length));
                    length += 4;
                    from = end;
                }

                utf8.Span[from..].CopyTo(spliced.AsSpan(length));
                text = spliced.AsMemory(0, length + utf8.Length - from);
            }

            using var document = JsonDocument.Parse(text, ReadOptions);
            var root = document.RootElement;
            RequireObject(root, "record");
            foreach (var property in root.EnumerateObject())
            {
                if (Array.IndexOf(TopLevelKeys, property.Name) < 0)
                {
                    throw new RecordMembersException($"Unknown property '{property.Name}' in draw record; host data belongs in 'context'.");
                }
            }

            foreach (var key in TopLevelKeys)
            {
                if (key != "context" && !root.TryGetProperty(key, out _))
                {
                    throw new RecordMembersException($"Missing required property '{key}' in draw record.");
                }
            }

            // A second top-level context was already refused: JsonDocument saw its key twice (as null in the spliced text).
            var hasContext = contexts.Count > 0 && contexts[^1].Kind != JsonTokenType.Null;
            if (hasContext && contexts[^1].Kind != JsonTokenType.StartObject)
            {
                throw new JsonException("Expected a JSON object for 'context'.");
            }

            // Reading to keep the record (not to verify it) refuses an input integer out of range: the record could not be
            // written back as it was.
            var outOfRange = keepContext ? null : new OutOfRangeInput();
            var record = ReadFields(root, outOfRange);
            if (!hasContext)
            {
                return (record, null, outOfRange?.First);
            }

            return (keepContext ? record.WithContextText(utf8.Span[contexts[^1].Start..contexts[^1].End]) : record, outline, outOfRange?.First);
        }
        finally
        {
            if (spliced is not null)
            {
                ArrayPool<byte>.Shared.Return(spliced);
            }
        }
    }

    /// <summary>
    /// Reads the whole text (throwing on invalid JSON, or on an escaped string anywhere that is not valid Unicode) and
    /// returns where each top-level "context" value is, and the outline of the last one when it is an object (walking it
    /// costs what skipping it would).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (List<(int Start, int End, JsonTokenType Kind)> Contexts, ContextOutline? Outline) FindTopLevelContexts(ReadOnlySpan<byte> utf8)
    {
        var contexts = new List<(int Start, int End, JsonTokenType Kind)>(1);
        ContextOutline? outline = null;
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = MaxDepth });
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            SkipChecked(ref reader);
        }
        else
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                CheckEscaped(ref reader);
                var isContext = reader.ValueTextEquals("context"u8);
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                var kind = reader.TokenType;
                if (isContext && kind == JsonTokenType.StartObject)
                {
                    outline = ContextOutline.Read(ref reader, utf8);
                }
                else
                {
                    SkipChecked(ref reader);
                }

                if (isContext)
                {
                    contexts.Add((start, (int)reader.BytesConsumed, kind));
                }
            }
        }

        // Nothing but whitespace may follow the record.
        while (reader.Read())
        {
        }

        return (contexts, outline);
    }

    /// <summary>
    /// Skips the value the reader stands on, as <see cref="Utf8JsonReader.Skip"/> does, checking each escaped string and
    /// property name in it (<see cref="CheckEscaped"/>): the document built afterwards decodes only the members it reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SkipChecked(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            CheckEscaped(ref reader);
            return;
        }

        // Everything inside is deeper than the value's start; its end is back at the start's depth.
        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            CheckEscaped(ref reader);
        }
    }

    /// <summary>
    /// A string or property name written with escapes must decode to valid Unicode (specification section 4: an escape
    /// such as <c>\ud800</c> alone is a lone surrogate). Raw text was checked as UTF-8 already; the service escapes only
    /// quotes, backslashes and control characters, so few strings are decoded here.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckEscaped(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped && reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
        {
            try
            {
                _ = reader.GetString();
            }
            catch (InvalidOperationException ex)
            {
                throw new JsonException(string.Create(CultureInfo.InvariantCulture,
                    $"The string at byte {reader.TokenStartIndex} is not valid Unicode (an escaped lone surrogate): {ex.Message}"), ex);
            }
        }
    }

    private static DrawRecordDocument ReadFields(JsonElement root, OutOfRangeInput? outOfRange) =>
        new()
        {
            AlgorithmVersion = ReadString(root, "algorithmVersion"),
            DrawId = ReadString(root, "drawId"),
            Commitment = ReadString(root, "commitment"),
            Nonce = ReadString(root, "nonce"),
            RuleSetVersion = ReadInputInteger(root, "ruleSetVersion", "ruleSetVersion", long.MinValue, long.MaxValue, "0 ≤ n < 2^63", invalid: -1, outOfRange),
            Quotas = ReadArray(root, "quotas", q => ReadQuota(q, outOfRange)),
            Pool = ReadArray(root, "pool", ReadPool),
            ExternalEntropy = ReadArray(root, "externalEntropy", e => new EntropyInput(ReadString(e, "source"), ReadString(e, "value"))),
            PoolHash = ReadString(root, "poolHash"),
            Seed = ReadString(root, "seed"),
            Succeeded = ReadBoolean(root, "succeeded"),
            Selection = ReadArray(root, "selection", ReadSelection),
        };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void WriteInputLists(
        CanonicalJsonWriter writer, IReadOnlyList<DrawQuota> quotas, IReadOnlyList<QuotaPool> pool, IReadOnlyList<EntropyInput> entropy)
    {
        writer.Name("quotas").StartArray();
        foreach (var quota in quotas)
        {
            writer.StartObject()
                .Property("key", quota.Key)
                .Property("specialtyCode", quota.SpecialtyCode)
                .Property("regionCode", quota.RegionCode)
                .Property("count", quota.Count)
                .Property("backups", quota.Backups)
                .EndObject();
        }

        writer.EndArray();
        writer.Name("pool").StartArray();
        foreach (var quotaPool in pool)
        {
            writer.StartObject().Property("quotaKey", quotaPool.QuotaKey).Name("expertIds").StartArray();
            foreach (var id in quotaPool.ExpertIds)
            {
                writer.String(id);
            }

            writer.EndArray().EndObject();
        }

        writer.EndArray();
        writer.Name("externalEntropy").StartArray();
        foreach (var item in entropy)
        {
            writer.StartObject().Property("source", item.Source).Property("value", item.Value).EndObject();
        }

        writer.EndArray();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void WriteSelection(CanonicalJsonWriter writer, QuotaSelection selection, double? entropyBits)
    {
        writer.StartObject()
            .Property("quotaKey", selection.QuotaKey)
            .Property("eligibleCount", selection.EligibleCount)
            .Property("availableCount", selection.AvailableCount);
        WriteExperts(writer, "members", selection.Members);
        WriteExperts(writer, "backups", selection.Backups);
        WriteShortfall(writer, "shortfall", selection.Shortfall);
        WriteShortfall(writer, "backupShortfall", selection.BackupShortfall);
        if (entropyBits is { } bits)
        {
            writer.Name("entropyBits").Number(bits);
        }

        writer.EndObject();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteExperts(CanonicalJsonWriter writer, string name, IReadOnlyList<RankedExpert> experts)
    {
        writer.Name(name).StartArray();
        foreach (var expert in experts)
        {
            writer.StartObject()
                .Property("rank", expert.Rank)
                .Property("expertId", expert.ExpertId)
                .Property("score", expert.Score)
                .EndObject();
        }

        writer.EndArray();
    }

    private static void WriteShortfall(CanonicalJsonWriter writer, string name, Shortfall? shortfall)
    {
        writer.Name(name);
        if (shortfall is null)
        {
            writer.Null();
            return;
        }

        writer.StartObject().Property("needed", shortfall.Needed).Property("available", shortfall.Available).EndObject();
    }

    internal static DrawQuota ReadQuota(JsonElement e) => ReadQuota(e, outOfRange: null);

    private static DrawQuota ReadQuota(JsonElement e, OutOfRangeInput? outOfRange) => new(
        ReadString(e, "key"),
        ReadString(e, "specialtyCode"),
        ReadNullableString(e, "regionCode"),
        (int)ReadInputInteger(e, "count", "quota count", int.MinValue, int.MaxValue, "1 ≤ n ≤ 2^31 − 1", invalid: 0, outOfRange),
        (int)ReadInputInteger(e, "backups", "quota backups", int.MinValue, int.MaxValue, "0 ≤ n ≤ 2^31 − 1", invalid: -1, outOfRange));

    internal static QuotaPool ReadPool(JsonElement e) =>
        new(ReadString(e, "quotaKey"), ReadArray(e, "expertIds", id => id.ValueKind == JsonValueKind.String
            ? id.GetString()!
            : throw new JsonException("Every entry of 'expertIds' must be a string.")));

    internal static QuotaSelection ReadSelection(JsonElement e) => new(
        ReadString(e, "quotaKey"),
        ReadOutputInteger(e, "eligibleCount", "quota eligibleCount"),
        ReadOutputInteger(e, "availableCount", "quota availableCount"),
        ReadArray(e, "members", m => ReadExpert(m, "members")),
        ReadArray(e, "backups", b => ReadExpert(b, "backups")),
        ReadShortfall(e, "shortfall"),
        ReadShortfall(e, "backupShortfall"));

    private static RankedExpert ReadExpert(JsonElement e, string role) =>
        new(ReadOutputInteger(e, "rank", $"{role} rank"), ReadString(e, "expertId"), ReadString(e, "score"));

    private static Shortfall? ReadShortfall(JsonElement parent, string name)
    {
        var e = Required(parent, name);
        return e.ValueKind == JsonValueKind.Null
            ? null
            : new Shortfall(ReadOutputInteger(e, "needed", $"{name} needed"), ReadOutputInteger(e, "available", $"{name} available"));
    }

    /// <summary>The first input integer a record read for verification holds out of its field's range (see <see cref="ReadForVerification"/>).</summary>
    private sealed class OutOfRangeInput
    {
        public string? First { get; set; }
    }

    /// <summary>
    /// An input integer (specification section 4). One that is an integer literal but does not fit between
    /// <paramref name="min"/> and <paramref name="max"/> (the field's type) is invalid input: noted in
    /// <paramref name="outOfRange"/> and read as <paramref name="invalid"/> (a value section 4 refuses), or, without
    /// <paramref name="outOfRange"/>, refused. A value that is no integer literal is malformed either way.
    /// </summary>
    private static long ReadInputInteger(JsonElement parent, string name, string what, long min, long max, string range, long invalid, OutOfRangeInput? outOfRange)
    {
        var value = Required(parent, name);
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= min && n <= max)
        {
            return n;
        }

        var message = $"{what} {IntegerLiteral(value, what)} is outside {range} (specification section 4).";
        if (outOfRange is null)
        {
            throw new JsonException(message);
        }

        outOfRange.First ??= message;
        return invalid;
    }

    /// <summary>
    /// An output integer (specification section 9): an integer literal from −2^31 to 2^31 − 1, which every recomputed
    /// value is; outside that range the record is malformed, for tools/verify_draw.py too.
    /// </summary>
    private static int ReadOutputInteger(JsonElement parent, string name, string what)
    {
        var value = Required(parent, name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)
            ? n
            : throw new JsonException($"{what} {IntegerLiteral(value, what)} is outside the 32-bit range of an output integer, −2^31 ≤ n ≤ 2^31 − 1 (specification section 9).");
    }

    /// <summary>The text of an integer literal (shortened when long); throws when the value is none (section 4: malformed).</summary>
    private static string IntegerLiteral(JsonElement value, string what)
    {
        var literal = value.ValueKind == JsonValueKind.Number ? value.GetRawText() : null;
        if (literal is null || literal.AsSpan().ContainsAny(".eE"))
        {
            throw new JsonException($"{what} must be a JSON integer literal, got {(literal ?? value.ValueKind.ToString().ToLowerInvariant())}.");
        }

        return literal.Length <= 40 ? literal : string.Create(CultureInfo.InvariantCulture, $"{literal[..20]}…({literal.Length} digits)");
    }

    private static bool ReadBoolean(JsonElement parent, string name)
    {
        var value = Required(parent, name);
        return value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw new JsonException($"Property '{name}' must be true or false.");
    }

    internal static JsonElement Required(JsonElement parent, string name)
    {
        RequireObject(parent, name);
        return parent.TryGetProperty(name, out var value)
            ? value
            : throw new JsonException($"Missing required property '{name}'.");
    }

    internal static string ReadString(JsonElement parent, string name)
    {
        var value = Required(parent, name);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new JsonException($"Property '{name}' must be a string.");
    }

    private static string? ReadNullableString(JsonElement parent, string name)
    {
        var value = Required(parent, name);
        return value.ValueKind == JsonValueKind.Null ? null : ReadString(parent, name);
    }

    internal static IReadOnlyList<T> ReadArray<T>(JsonElement parent, string name, Func<JsonElement, T> read)
    {
        var value = Required(parent, name);
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException($"Property '{name}' must be an array.");
        }

        return [.. value.EnumerateArray().Select(read)];
    }

    private static void RequireObject(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"Expected a JSON object for '{what}'.");
        }
    }
}

/// <summary>
/// The record's top-level members are not exactly those of specification section 9 (one unknown, or one missing other
/// than <c>context</c>): the divergence <c>members</c>, not an unreadable text.
/// </summary>
public sealed class RecordMembersException(string message) : JsonException(message);

