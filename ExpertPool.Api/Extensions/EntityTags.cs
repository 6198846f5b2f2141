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
    /// Reads If-Match (RFC 9110 §13.1.1): a list of entity tags, or <c>*</c> for any current version. Null when the
    /// header is absent and not <paramref name="required"/>; absent and required is 428; anything but <c>*</c>, strong
    /// <c>"vN"</c> tags and weak <c>W/"…"</c> tags is 400. A weak tag never matches (If-Match compares strongly), so
    /// a list of only weak tags matches nothing and the update gets 412.
    /// </summary>
    public static IfMatch? Parse(string? header, bool required)
    {
        if (string.IsNullOrWhiteSpace(header))
            return required ? throw new PreconditionRequiredException() : null;
        var versions = new List<int>();
        foreach (var raw in header.Split(','))
        {
            var tag = raw.Trim();
            if (tag == "*")
                return new IfMatch(null);
            if (tag.StartsWith("W/", StringComparison.Ordinal) && IsQuoted(tag[2..]))
                continue;
            if (IsQuoted(tag) && tag.Length > 3 && tag[1] == 'v'
                && int.TryParse(tag.AsSpan(2, tag.Length - 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
            {
                versions.Add(v);
                continue;
            }
            throw new DomainValidationException("If-Match", "请使用读取时返回的 ETag / must be the ETag from the last read, e.g. \"v3\"");
        }
        return new IfMatch(versions);
    }

    private static bool IsQuoted(string tag) => tag.Length >= 2 && tag[0] == '"' && tag[^1] == '"';
}

/// <summary>The versions an If-Match header names; <see cref="Versions"/> null for <c>*</c> (whatever is current).</summary>
public sealed record IfMatch(IReadOnlyList<int>? Versions)
{
    public bool Matches(int version) => Versions is null || Versions.Contains(version);
}

/// <summary>An update came without If-Match: 428 Precondition Required.</summary>
public sealed class PreconditionRequiredException() : Exception("请在 If-Match 中提供 ETag / Send If-Match with the ETag of the version you edited.");
