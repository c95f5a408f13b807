package org.kotta.deployer.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Converts between JSON trees and DynamoDB attribute values, so records keep their shape. */
public final class DynamoJson {
    private DynamoJson() {}

    public static AttributeValue toAttribute(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return AttributeValue.fromNul(true);
        }
        if (node.isTextual()) {
            return AttributeValue.fromS(node.textValue());
        }
        if (node.isNumber()) {
            return AttributeValue.fromN(node.numberValue().toString());
        }
        if (node.isBoolean()) {
            return AttributeValue.fromBool(node.booleanValue());
        }
        if (node.isArray()) {
            List<AttributeValue> items = new ArrayList<>();
            node.forEach(item -> items.add(toAttribute(item)));
            return AttributeValue.fromL(items);
        }
        if (node.isObject()) {
            return AttributeValue.fromM(toItem(node));
        }
        if (node.isBinary()) {
            try {
                return AttributeValue.fromB(SdkBytes.fromByteArray(node.binaryValue()));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return AttributeValue.fromS(node.asText());
    }

    public static Map<String, AttributeValue> toItem(JsonNode object) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        object.fields().forEachRemaining(field -> item.put(field.getKey(), toAttribute(field.getValue())));
        return item;
    }

    public static AttributeValue toAttribute(Object value) {
        return toAttribute(Json.MAPPER.valueToTree(value));
    }

    public static JsonNode toJson(AttributeValue value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null || Boolean.TRUE.equals(value.nul())) {
            return f.nullNode();
        }
        if (value.s() != null) {
            return f.textNode(value.s());
        }
        if (value.n() != null) {
            return f.numberNode(new java.math.BigDecimal(value.n()));
        }
        if (value.bool() != null) {
            return f.booleanNode(value.bool());
        }
        if (value.hasM()) {
            return toJson(value.m());
        }
        if (value.hasL()) {
            ArrayNode array = f.arrayNode();
            value.l().forEach(item -> array.add(toJson(item)));
            return array;
        }
        if (value.hasSs()) {
            ArrayNode array = f.arrayNode();
            value.ss().forEach(array::add);
            return array;
        }
        if (value.b() != null) {
            return f.binaryNode(value.b().asByteArray());
        }
        return f.nullNode();
    }

    public static ObjectNode toJson(Map<String, AttributeValue> item) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        item.forEach((name, attribute) -> object.set(name, toJson(attribute)));
        return object;
    }
}
