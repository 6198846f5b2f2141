using System.Text.Json.Nodes;

namespace ExpertPool.Domain.Draws.Algorithm;

/// <summary>
/// The exported, self-contained record of one draw attempt (successful or failed): every input the algorithm hashed
/// and every output it produced, enough for <see cref="DrawVerifier"/> or tools/verify_draw.py to re-derive it.
/// <para>
/// <see cref="Context"/> is the host's slot (requester, supervisor, scheduled and actual times, exclusions with reasons…).
/// It is written into the JSON but is not hashed and the verifier ignores it: anything that must be tamper-evident has to be
/// an algorithm input. The host may also embed this document inside a larger record instead.
/// </para>
/// </summary>
public sealed record DrawRecordDocument
{
    public required string AlgorithmVersion { get; init; }

    public required string DrawId { get; init; }

    /// <summary>Published commitment, lowercase hex.</summary>
    public required string Commitment { get; init; }

    /// <summary>Revealed nonce, lowercase hex (64 characters).</summary>
    public required string Nonce { get; init; }

    public required long RuleSetVersion { get; init; }

    public required IReadOnlyList<DrawQuota> Quotas { get; init; }

    /// <summary>Frozen eligible pool per quota, in quota order, ids sorted by UTF-8 bytes.</summary>
    public required IReadOnlyList<QuotaPool> Pool { get; init; }

    public required IReadOnlyList<EntropyInput> ExternalEntropy { get; init; }

    public required string PoolHash { get; init; }

    public required string Seed { get; init; }

    public required bool Succeeded { get; init; }

    /// <summary>One entry per quota, in quota order.</summary>
    public required IReadOnlyList<QuotaSelection> Selection { get; init; }

    /// <summary>
    /// Host data, not hashed, ignored by the verifier. A record built with a context writer (the host's own draws) or read by
    /// <see cref="DrawRecordJson.Deserialize"/> keeps its context unparsed and builds this object on first read; from then on
    /// the object is the context (changes to it are what <see cref="DrawRecordJson.Serialize"/> writes).
    /// </summary>
    public JsonObject? Context
    {
        get
        {
            if (_context is null && (_writeContext is not null || _contextUtf8 is not null))
            {
                Interlocked.CompareExchange(ref _context, ParseDeferredContext(), null);
            }

            return _context;
        }

        init
        {
            _context = value;
            _writeContext = null;
            _contextUtf8 = null;
        }
    }

    private JsonObject? _context;

    /// <summary>Writes the whole context value (an object) straight into the canonical JSON.</summary>
    private Action<CanonicalJsonWriter>? _writeContext;

    /// <summary>The context's JSON text as read (UTF-8), parsed only if someone reads <see cref="Context"/>.</summary>
    private byte[]? _contextUtf8;

    /// <summary>Builds the record of a draw from its input and the outcome <see cref="DrawAlgorithm.Run"/> returned for it.</summary>
    public static DrawRecordDocument Create(DrawInput input, DrawOutcome outcome, JsonObject? context = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outcome);
        if (!string.Equals(input.DrawId, outcome.DrawId, StringComparison.Ordinal) || input.Quotas.Count != outcome.Quotas.Count)
        {
            throw new ArgumentException("The outcome does not belong to this input (draw id or quota count differ).", nameof(outcome));
        }

        return new DrawRecordDocument
        {
            AlgorithmVersion = outcome.AlgorithmVersion,
            DrawId = input.DrawId,
            Commitment = outcome.Commitment,
            Nonce = CanonicalEncoder.Hex(input.Nonce.Span),
            RuleSetVersion = input.RuleSetVersion,
            Quotas = [.. input.Quotas],
            Pool = [.. input.Pool.Select(p => new QuotaPool(p.QuotaKey, DrawAlgorithm.SortedIds(p)))],
            ExternalEntropy = [.. input.ExternalEntropy],
            PoolHash = outcome.PoolHash,
            Seed = outcome.Seed,
            Succeeded = outcome.Succeeded,
            Selection = [.. outcome.Quotas.Select(QuotaSelection.From)],
            Context = context,
        };
    }

    /// <summary>
    /// Builds the record of a draw with a context the host writes itself: <paramref name="writeContextProperties"/> writes the
    /// context object's properties (name, value, …) in order, straight into the canonical JSON, with no <see cref="JsonNode"/>
    /// tree in between. It may run more than once (serialising, reading <see cref="Context"/>) and must write the same each time.
    /// </summary>
    internal static DrawRecordDocument Create(DrawInput input, DrawOutcome outcome, Action<CanonicalJsonWriter> writeContextProperties)
    {
        ArgumentNullException.ThrowIfNull(writeContextProperties);
        var record = Create(input, outcome);
        record._writeContext = writer =>
        {
            writer.StartObject();
            writeContextProperties(writer);
            writer.EndObject();
        };
        return record;
    }

    /// <summary>A record read from JSON whose context stays unparsed text until <see cref="Context"/> is read.</summary>
    internal DrawRecordDocument WithContextText(ReadOnlySpan<byte> contextUtf8)
    {
        var record = this with { Context = null };
        record._contextUtf8 = contextUtf8.ToArray();
        return record;
    }

    /// <summary>Writes the context value (<c>null</c> when there is none) the way it would be written from <see cref="Context"/>.</summary>
    internal void WriteContext(CanonicalJsonWriter writer)
    {
        if (_context is null && _writeContext is not null)
        {
            _writeContext(writer);
            return;
        }

        writer.Node(Context);
    }

    private JsonObject ParseDeferredContext()
    {
        if (_contextUtf8 is not null)
        {
            return JsonNode.Parse(_contextUtf8)!.AsObject();
        }

        using var writer = new CanonicalJsonWriter();
        _writeContext!(writer);
        return JsonNode.Parse(writer.ToString())!.AsObject();
    }

    /// <summary>The algorithm input this record claims; throws <see cref="FormatException"/> if the nonce is not hex.</summary>
    public DrawInput ToInput() =>
        new(DrawId, Convert.FromHexString(Nonce), RuleSetVersion, Quotas, Pool, ExternalEntropy);
}

/// <summary>The recorded outcome of one quota (same meaning as <see cref="QuotaOutcome"/>, without the informational entropy figure).</summary>
public sealed record QuotaSelection(
    string QuotaKey,
    int EligibleCount,
    int AvailableCount,
    IReadOnlyList<RankedExpert> Members,
    IReadOnlyList<RankedExpert> Backups,
    Shortfall? Shortfall,
    Shortfall? BackupShortfall)
{
    internal static QuotaSelection From(QuotaOutcome outcome) =>
        new(outcome.Key, outcome.EligibleCount, outcome.AvailableCount, outcome.Members, outcome.Backups, outcome.Shortfall, outcome.BackupShortfall);
}
