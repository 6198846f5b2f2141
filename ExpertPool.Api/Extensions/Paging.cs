using ExpertPool.Domain.Common;

namespace ExpertPool.Api.Extensions;

/// <summary>One page of a list, with the total for the pager.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>The paging parameters every list endpoint shares (page, pageSize and the free-text q), checked by name.</summary>
public static class Paging
{
    public const int MaxPageSize = 200;
    public const int DefaultPageSize = 50;
    public const int MaxQueryLength = 100;

    /// <summary>Adds a reason per bad parameter to <paramref name="errors"/>, so a list endpoint reports them with its own.</summary>
    public static void Check(Dictionary<string, string[]> errors, int? page, int? pageSize, string? q = null)
    {
        if (page is < 1 or > 1_000_000)
            errors["page"] = ["须在 1 至 1000000 之间 / must be between 1 and 1000000"];
        if (pageSize is < 1 or > MaxPageSize)
            errors["pageSize"] = [$"须在 1 至 {MaxPageSize} 之间 / must be between 1 and {MaxPageSize}"];
        if (q?.Length > MaxQueryLength)
            errors["q"] = [$"不能超过 {MaxQueryLength} 个字符 / must be at most {MaxQueryLength} characters"];
    }

    /// <summary>The page and its size (defaults 1 and <see cref="DefaultPageSize"/>); a bad value is a 400 naming it.</summary>
    public static (int Page, int PageSize) Read(int? page, int? pageSize, string? q = null)
    {
        var errors = new Dictionary<string, string[]>();
        Check(errors, page, pageSize, q);
        if (errors.Count > 0)
            throw new DomainValidationException(errors);
        return (page ?? 1, pageSize ?? DefaultPageSize);
    }
}
