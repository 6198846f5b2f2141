using ExpertPool.Domain.Common;

namespace ExpertPool.Api.Extensions;

/// <summary>
/// Versions as entity tags, for the resources that are edited in place (experts, projects): a read answers with
/// <c>ETag: "v3"</c>, and an update sends it back as <c>If-Match</c>, so an edit made from a stale copy is refused
/// (412) instead of silently overwriting someone else's.
/// </summary>
public static class EntityTags
{
    public static string Of(int version) => $"\"v{version}\"";

    /// <summary>
    /// The version If-Match names: a missing header is 428 when <paramref name="required"/> (else null, for "any
    /// version"); a malformed one 400; <c>*</c> means the current version, read through <paramref name="current"/>.
    /// </summary>
    public static async Task<int?> ExpectedVersionAsync(string? ifMatch, bool required, Func<Task<int>> current)
    {
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            if (required)
                throw new PreconditionRequiredException();
            return null;
        }
        var tag = ifMatch.Trim();
        if (tag == "*")
            return await current();
        if (tag.Length > 3 && tag.StartsWith("\"v", StringComparison.Ordinal) && tag.EndsWith('"')
            && int.TryParse(tag.AsSpan(2, tag.Length - 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
            return v;
        throw new DomainValidationException("If-Match", "must be the ETag from the last read, e.g. \"v3\" / 请使用读取时返回的 ETag");
    }
}

/// <summary>An update came without If-Match: 428 Precondition Required.</summary>
public sealed class PreconditionRequiredException() : Exception("Send If-Match with the ETag of the version you edited / 请在 If-Match 中提供 ETag.");
