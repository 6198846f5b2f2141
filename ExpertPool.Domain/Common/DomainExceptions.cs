namespace ExpertPool.Domain.Common;

/// <summary>A business rule or input check failed. Maps to 400 with the field and reason.</summary>
public class DomainValidationException : Exception
{
    public DomainValidationException(string field, string reason)
        : this(new Dictionary<string, string[]> { [field] = [reason] })
    {
    }

    public DomainValidationException(IReadOnlyDictionary<string, string[]> errors)
        : base(string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
    {
        Errors = errors;
    }

    public DomainValidationException()
        : this(new Dictionary<string, string[]>())
    {
    }

    public DomainValidationException(string message)
        : this("", message)
    {
    }

    public DomainValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = new Dictionary<string, string[]> { [""] = [message] };
    }

    public IReadOnlyDictionary<string, string[]> Errors { get; }
}

/// <summary>The request clashes with the stored state (duplicate, in use, wrong lifecycle step). Maps to 409.</summary>
public class DomainConflictException : Exception
{
    public DomainConflictException(string message) : base(message) { }

    public DomainConflictException(string message, IReadOnlyDictionary<string, object?> details) : base(message)
    {
        Details = details;
    }

    public DomainConflictException() { }

    public DomainConflictException(string message, Exception innerException) : base(message, innerException) { }

    public IReadOnlyDictionary<string, object?> Details { get; } = new Dictionary<string, object?>();
}

/// <summary>An id that names nothing. Maps to 404.</summary>
public class NotFoundException : Exception
{
    private static string Chinese(string entity) => entity switch
    {
        "Application of expert" => "入库申请（专家）",
        "Conflict rule set" => "回避规则版本",
        "Draw" => "抽取记录",
        "Expert" => "专家",
        "Invitation" => "邀请",
        "Notice" => "通知",
        "Organisation" => "单位",
        "Panel request" or "PanelRequest" => "抽取申请",
        "Project" => "项目",
        "Relation" => "关系记录",
        "Specialty" => "专业",
        _ => "记录",
    };

    public NotFoundException(string entity, object key) : base($"{Chinese(entity)} {key} 不存在 / {entity} '{key}' was not found.")
    {
        Entity = entity;
        Key = key.ToString() ?? "";
    }

    public NotFoundException() { }

    public NotFoundException(string message) : base(message) { }

    public NotFoundException(string message, Exception innerException) : base(message, innerException) { }

    public string Entity { get; } = "";
    public string Key { get; } = "";
}

/// <summary>The caller's copy is stale (If-Match did not match). Maps to 412.</summary>
public class PreconditionFailedException : Exception
{
    public PreconditionFailedException(string message) : base(message) { }

    public PreconditionFailedException() { }

    public PreconditionFailedException(string message, Exception innerException) : base(message, innerException) { }
}
