namespace ExpertPool.Domain.Common;

/// <summary>Collecting every field error of a request before reporting them together (one 400 with all reasons).</summary>
internal static class FieldErrors
{
    public static void AddError(this Dictionary<string, List<string>> errors, string field, string reason)
    {
        if (!errors.TryGetValue(field, out var list))
            errors[field] = list = [];
        list.Add(reason);
    }
}
