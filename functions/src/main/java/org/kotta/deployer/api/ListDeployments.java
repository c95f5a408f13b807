package org.kotta.deployer.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.List;
import org.kotta.deployer.api.PageRequest.Cursor;
import org.kotta.deployer.core.DeploymentIds;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Json;

/**
 * {@code GET /deployments}: newest first. With a stack name the byStackName index serves
 * the page; without one the table is scanned and sorted here (deployments are few: one per
 * admin action), and the same opaque cursor pages through both.
 */
public final class ListDeployments {
    /** Newest first; the id breaks ties so that the order is total. */
    static final Comparator<ObjectNode> NEWEST_FIRST = Comparator.comparing(
                    (ObjectNode item) -> item.path("createdAt").asText())
            .thenComparing(item -> item.path("deploymentId").asText())
            .reversed();

    private final DeploymentRecords records;

    public ListDeployments(DeploymentRecords records) {
        this.records = records;
    }

    public ApiResponse list(PageRequest page) {
        // one more than asked tells whether there is a next page
        List<ObjectNode> items = page.stackName().isPresent()
                ? records.deploymentsOfStack(
                        page.stackName().get(),
                        page.limit() + 1,
                        page.after().map(Cursor::createdAt).orElse(null),
                        page.after().map(Cursor::deploymentId).orElse(null))
                : records.allDeployments().stream()
                        .filter(item -> DeploymentIds.isPlausible(
                                item.path("deploymentId").asText()))
                        .filter(item -> page.after()
                                .map(cursor -> isAfter(item, cursor))
                                .orElse(true))
                        .sorted(NEWEST_FIRST)
                        .limit(page.limit() + 1L)
                        .toList();
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode list = body.putArray("items");
        items.stream().limit(page.limit()).map(DeploymentView::of).forEach(list::add);
        if (items.size() > page.limit()) {
            ObjectNode last = items.get(page.limit() - 1);
            body.put(
                    "nextToken",
                    PageRequest.encode(
                            new Cursor(
                                    last.path("createdAt").asText(),
                                    last.path("deploymentId").asText()),
                            page.stackName().orElse(null)));
        }
        return ApiResponse.json(200, body);
    }

    private static boolean isAfter(ObjectNode item, Cursor cursor) {
        ObjectNode cursorItem = Json.MAPPER
                .createObjectNode()
                .put("createdAt", cursor.createdAt())
                .put("deploymentId", cursor.deploymentId());
        return NEWEST_FIRST.compare(item, cursorItem) > 0;
    }
}
