/**
 * Driving ports for plain audio work that needs no model: encoding samples a caller already has
 * (a pipeline's processed lines) into the containers the service offers.
 */
package io.q3tts.ports.in.audio;
