namespace ExpertPool.Domain.Common;

internal static class Guard
{
    public static string Required(string? value, string field, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            throw new DomainValidationException(field, "is required / 必填");
        if (trimmed.Length > maxLength)
            throw new DomainValidationException(field, $"must be at most {maxLength} characters / 不能超过 {maxLength} 个字符");
        return trimmed;
    }

    public static string? Optional(string? value, string field, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            return null;
        if (trimmed.Length > maxLength)
            throw new DomainValidationException(field, $"must be at most {maxLength} characters / 不能超过 {maxLength} 个字符");
        return trimmed;
    }
}
