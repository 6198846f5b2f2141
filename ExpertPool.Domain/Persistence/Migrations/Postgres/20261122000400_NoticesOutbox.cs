// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>The notices outbox: rendered messages and their attachments, written in the same transaction as the change that causes them.</summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261122000400_NoticesOutbox")]
public sealed class NoticesOutbox : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE outbox_messages (
    "Id" uuid NOT NULL,
    "MessageId" character varying(200) NOT NULL,
    "Kind" character varying(24) NOT NULL,
    "CorrelationId" character varying(100),
    "RecipientEmail" character varying(254) NOT NULL,
    "RecipientName" character varying(200) NOT NULL,
    "Language" character varying(8) NOT NULL,
    "Subject" character varying(400) NOT NULL,
    "TextBody" text NOT NULL,
    "HtmlBody" text NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "Status" character varying(16) NOT NULL,
    "Attempts" integer NOT NULL,
    "NextAttemptAt" timestamp with time zone NOT NULL,
    "LastError" character varying(1000),
    "SentAt" timestamp with time zone,
    "LockedUntil" timestamp with time zone,
    "LockedBy" character varying(200),
    CONSTRAINT "PK_outbox_messages" PRIMARY KEY ("Id")
);
""");

        migrationBuilder.Sql("""
CREATE TABLE outbox_attachments (
    "Id" uuid NOT NULL,
    "OutboxMessageId" uuid NOT NULL,
    "Position" integer NOT NULL,
    "FileName" character varying(200) NOT NULL,
    "ContentType" character varying(200) NOT NULL,
    "Content" bytea NOT NULL,
    CONSTRAINT "PK_outbox_attachments" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_outbox_attachments_outbox_messages_OutboxMessageId" FOREIGN KEY ("OutboxMessageId") REFERENCES outbox_messages ("Id") ON DELETE CASCADE
);
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_outbox_attachments_OutboxMessageId_Position" ON outbox_attachments ("OutboxMessageId", "Position");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_outbox_messages_CorrelationId" ON outbox_messages ("CorrelationId");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_outbox_messages_MessageId" ON outbox_messages ("MessageId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_outbox_messages_Status_NextAttemptAt" ON outbox_messages ("Status", "NextAttemptAt");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TABLE outbox_attachments;""");
        migrationBuilder.Sql("""DROP TABLE outbox_messages;""");
    }
}
